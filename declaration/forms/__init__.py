"""The declaration app's forms, one module per area. Forms validate; views call services."""
