"""Map data: concerns per ward, heat maps, the ward drill-down, and the rollup tables behind them."""
