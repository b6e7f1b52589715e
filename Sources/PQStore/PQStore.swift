// PQStore
