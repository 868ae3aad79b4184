from django.urls import path

from clientside import activation_views

urlpatterns = [
    path("<int:pk>/", activation_views.setup, name="clientside-activation"),
]
