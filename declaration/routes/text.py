from django.urls import path

from declaration.views import text

urlpatterns = [
    path("declaration/", text.declaration_text, name="declaration"),
]
