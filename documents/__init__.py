"""File storage, Excel scoresheets, Word letters and reports, finance exports."""
