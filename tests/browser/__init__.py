"""Real-browser tests (JupyterLab in headless Chromium) and the example-notebook runs."""
