"""The API's routers, one module per tag, and the addresses they answer at."""

API_V1 = "/api/v1"
DOCS_URL = "/api/docs"
OPENAPI_URL = f"{API_V1}/openapi.json"
# Swagger UI's scripts and styles ship inside the fastapi-offline wheel: the docs page loads
# nothing from the internet.
SWAGGER_STATIC = "/api/static"
