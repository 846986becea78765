"""The service layer: functions that take a session and filters and return DataFrames. Pages never write SQL."""
