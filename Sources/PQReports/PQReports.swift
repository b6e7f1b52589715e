// PQReports
