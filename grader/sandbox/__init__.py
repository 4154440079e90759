"""Where student code runs: confined children of warm fork servers.

``isolation`` says how a server is confined, ``limits`` what a job may use, ``zygote`` is
the server, ``harness`` runs the cells in the child, ``protocol`` is the channel between
parent and server, and ``pool`` is the parent's side. Everything the child learned about the
student's code comes back as bytes the judge reads with ``torch.load(weights_only=True)``
and checks against ``grader.judge.schema``.
"""
