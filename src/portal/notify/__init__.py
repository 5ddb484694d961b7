"""In-app notifications: an inbox per user, position and unit; subscriptions; SMS/e-mail channels."""
