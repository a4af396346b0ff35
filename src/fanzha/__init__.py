"""fanzha (反诈): anti-telecom-fraud early-warning and dissuasion platform."""

__version__ = "0.1.0"
