"""Long work as job rows: queued by a request, claimed by any instance, with progress."""
