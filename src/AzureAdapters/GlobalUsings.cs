// The merchant's ports and protocol types that every adapter implements or uses.
global using QoinHub.Merchant.Notifications;
global using QoinHub.Merchant.Partners;
global using QoinHub.Merchant.Snap;
global using QoinHub.Merchant.Tokens;
