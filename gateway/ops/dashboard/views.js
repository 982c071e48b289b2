// The dashboard's views by name (the part of the hash after "#/"); each has render() and, when it
// shows live data, refresh(). Each view lives in its own view-*.js.
import { overviewView } from '/ops/view-overview.js';
import { deliveriesView } from '/ops/view-deliveries.js';
import { messageView } from '/ops/view-message.js';
import { webhooksView } from '/ops/view-webhooks.js';
import { auditView } from '/ops/view-audit.js';
import { pausesView } from '/ops/view-pauses.js';

export const views = {
  overview: overviewView,
  deliveries: deliveriesView,
  messages: messageView,
  webhooks: webhooksView,
  audit: auditView,
  pauses: pausesView,
};
