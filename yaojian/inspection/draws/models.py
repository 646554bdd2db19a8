"""Models of the random draw (plans, pools, draws)."""
