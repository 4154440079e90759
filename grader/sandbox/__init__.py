"""Where student code runs: child processes forked from a warm fork server.

The parent only sends a job directory and receives an exit status; everything the child
learned about the student's code comes back as an observations file the judge reads with
``torch.load(weights_only=True)``.
"""
