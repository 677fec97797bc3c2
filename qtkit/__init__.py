"""What the Qt apps (kiosk, caller, display) share: the hub client on a worker thread, units
from the screen's DPI, fonts, the theme, the connection banner, the QR widget, the on-screen
keypad and app start-up. Only the apps import this package; the server, the bridge and the
reports run without Qt."""
