"""This app's URLs, with their full paths (included at the root of portal/urls.py)."""

from __future__ import annotations

from django.urls import path

from subscriptions import views, webhooks

app_name = "subscriptions"

urlpatterns = [
    path("webhooks/mollie/", webhooks.mollie_webhook, name="mollie_webhook"),
    path("prijzen/", views.pricing, name="pricing"),
    path("portal/abonnement/", views.overview, name="overview"),
    path("portal/abonnement/afsluiten/<int:plan_id>/", views.subscribe, name="subscribe"),
    path("portal/abonnement/betaling/<int:payment_id>/", views.payment_return, name="payment_return"),
    path("portal/abonnement/betaling/<int:payment_id>/betalen/", views.payment_retry, name="payment_retry"),
    path("portal/abonnement/<int:subscription_id>/nu-betalen/", views.pay_now, name="pay_now"),
    path(
        "portal/abonnement/<int:subscription_id>/aanvraag-intrekken/",
        views.checkout_withdraw,
        name="checkout_withdraw",
    ),
    path("portal/abonnement/<int:subscription_id>/opzeggen/", views.cancel, name="cancel"),  # GET: confirm page
    path("portal/abonnement/<int:subscription_id>/opzegging-intrekken/", views.cancel_undo, name="cancel_undo"),
    path("portal/abonnement/<int:subscription_id>/abonnementsvorm/", views.plan_change, name="plan_change"),
    path(
        "portal/abonnement/<int:subscription_id>/abonnementsvorm/<int:plan_id>/bevestigen/",
        views.plan_change_confirm,
        name="plan_change_confirm",
    ),
    path(
        "portal/abonnement/<int:subscription_id>/wijziging-intrekken/",
        views.plan_change_withdraw,
        name="plan_change_withdraw",
    ),
    path("portal/abonnement/<int:subscription_id>/betaalmethode/", views.payment_method, name="payment_method"),
    path("portal/abonnement/facturen/<str:number>/", views.invoice_detail, name="invoice"),
    path("portal/abonnement/facturen/<str:number>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("portal/abonnement/creditnota/<str:number>/pdf/", views.credit_note_pdf, name="credit_note_pdf"),
    path("portal/abonnement/facturen/<str:number>/ubl/", views.invoice_ubl, name="invoice_ubl"),
    path("portal/abonnement/creditnota/<str:number>/ubl/", views.credit_note_ubl, name="credit_note_ubl"),
    # The address for billing mail, set on the profile page (accounts).
    path("portal/gegevens/factuur-e-mailadres/opnieuw/", views.billing_email_resend, name="billing_email_resend"),
    path("factuur-e-mailadres/<str:token>/", views.billing_email_confirm, name="billing_email_confirm"),
]
