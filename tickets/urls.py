"""URLs of the web pages: login, inbox, ticket."""

urlpatterns: list = []
