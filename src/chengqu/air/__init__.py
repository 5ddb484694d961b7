"""Heavy-pollution weather: AQI by HJ 633, warning decisions and response measures (城政办发〔2024〕1号)."""
