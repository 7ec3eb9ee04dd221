from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("gegevens/profiel/", views.profile, name="profile"),
    path("account/opheffen/", views.close_account, name="close"),
    path("gegevens/factuur-e-mailadres/opnieuw/", views.billing_email_resend, name="billing_email_resend"),
]

public_urlpatterns = [
    path("account-opgeheven/", views.closed, name="account_closed"),
    path("factuur-e-mailadres/<str:token>/", views.billing_email_confirm, name="billing_email_confirm"),
]
