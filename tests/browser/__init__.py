"""Browser tests of the explorer. A package, so that their package-scoped browser and API
server end with the folder: Playwright's sync API holds an event loop while it runs, and the
async tests after it need the thread to themselves."""
