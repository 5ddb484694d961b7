"""Enterprise incentives (城政办发〔2024〕5号) and the farmland fee (城政发〔2024〕1号): CLI now, pages to come."""
