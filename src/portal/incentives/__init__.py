"""Enterprise incentives (城政办发〔2024〕5号) and the farmland fee (城政发〔2024〕1号): public calculators,
the 免申即享 batch, claims through to payment and the ledger, API and CLI."""
