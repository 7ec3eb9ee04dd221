from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("gegevens/profiel/", views.profile, name="profile"),
    path("account/opheffen/", views.close_account, name="close"),
]

public_urlpatterns = [
    path("account-opgeheven/", views.closed, name="account_closed"),
    path("medewerker/tweestapsverificatie/", views.mfa_invitation_needed, name="accounts_mfa_invitation_needed"),
    path("medewerker/tweestapsverificatie/<str:token>/", views.mfa_invitation, name="accounts_mfa_invitation"),
]
