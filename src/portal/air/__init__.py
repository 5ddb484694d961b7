"""The heavy-pollution warning module (城政办发〔2024〕1号): command line now, pages to come."""
