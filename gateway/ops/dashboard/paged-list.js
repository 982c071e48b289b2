// A keyset-paged list for the webhook, rejection and audit views: it asks `fetchPage(cursor)` for
// one page ({rows, next_cursor}), keeps the cursors it was given for "previous", and redraws.
import { h, replace, errorMessage } from '/ops/dom.js';

export class PagedList {
  constructor({ id, label, fetchPage, draw }) {
    this.id = id;
    this.label = label;
    this.fetchPage = fetchPage;
    this.draw = draw;
    this.cursors = [null];
    this.index = 0;
    this.next = null;
    this.element = h('div', { id });
  }

  onFirstPage() {
    return this.index === 0;
  }

  async load() {
    let page;
    try {
      page = await this.fetchPage(this.cursors[this.index]);
    } catch (failure) {
      replace(this.element, h('p', { class: 'error', role: 'alert' }, errorMessage(failure)));
      return;
    }
    this.next = page.next_cursor;
    const previous = h('button', { type: 'button', class: 'secondary', disabled: this.index === 0 },
      'Previous page');
    previous.addEventListener('click', async () => {
      this.index = Math.max(0, this.index - 1);
      await this.load();
    });
    const next = h('button', { type: 'button', class: 'secondary', disabled: !page.next_cursor }, 'Next page');
    next.addEventListener('click', async () => {
      this.cursors[this.index + 1] = this.next;
      this.cursors.length = this.index + 2;
      this.index += 1;
      await this.load();
    });
    replace(this.element, this.draw(page),
      h('nav', { class: 'toolbar', 'aria-label': `${this.label} pages` }, previous, next,
        h('span', { class: 'muted' }, `Page ${this.index + 1}`)));
  }
}
