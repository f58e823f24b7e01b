"""The funding app's forms, one module per area. They validate; views call services."""
