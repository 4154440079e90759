"""Out-of-kernel autograder for the nn.Module workbook.

Student code runs only in child processes; verdicts are made in this process from the
observations those children write (see ``grader.api`` for the stage order).
"""
