// PQScoutKit
