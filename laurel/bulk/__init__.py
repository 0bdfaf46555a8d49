"""Bulk issuance: recipient files read and checked (pure Python), then issued as a job.

See README.md here for the modules and the plan of the job.
"""
