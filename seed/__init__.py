"""What the database starts with: reference data (partners, instruments, indicators, periods, public
statistics with their sources) and the demo figures that ``sharing demo`` loads."""
