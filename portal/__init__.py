"""The supplier and applicant portal: accounts of organisations, public tender pages, inbox."""
