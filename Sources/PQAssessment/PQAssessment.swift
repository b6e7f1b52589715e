// PQAssessment
