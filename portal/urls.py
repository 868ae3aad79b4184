from django.contrib.auth import views as auth_views
from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("insite/berichten/", views.insite_messages, name="insite-messages"),
    path("insite/berichten/<int:pk>/", views.insite_message, name="insite-message"),
    path("insite/berichten/<int:pk>/<slug:action>/", views.insite_action, name="insite-action"),
    path("outsite/berichten/", views.outsite_messages, name="outsite-messages"),
    path("outsite/berichten/<int:pk>/", views.outsite_message, name="outsite-message"),
    path("outsite/berichten/<int:pk>/<slug:action>/", views.outsite_action, name="outsite-action"),
]
