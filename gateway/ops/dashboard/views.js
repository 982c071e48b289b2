// The dashboard's views by name (the part of the hash after "#/"); each has render() and, when it
// shows live data, refresh().
import { h, replace } from '/ops/dom.js';

export const views = {
  overview: {
    async render(main, route, session) {
      replace(main, h('h1', {}, 'Overview'), h('p', {}, `Logged in as ${session.name} (${session.role}).`));
    },
  },
};
