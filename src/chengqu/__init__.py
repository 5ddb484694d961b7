"""chengqu: the pure domain of the 晋城市城区 platform. It never imports Django."""
