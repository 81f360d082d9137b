"""Inside the Feed: helpers for a course on recommendation algorithms, engagement metrics and
filter bubbles.

One module per idea the course teaches; see the README for the map.
"""

__version__ = "0.1.0"
