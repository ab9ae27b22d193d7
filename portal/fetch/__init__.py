"""`flask data fetch` and `refresh`: find a publication's edition, download it, load it."""
