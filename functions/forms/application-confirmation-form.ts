import { confirmApplication } from '../applications/applying.js';
import type { Request } from '../domain/request.js';
import { programmeById } from '../programmes/index.js';
import type { Dependencies } from '../shared/dependencies.js';
import { html } from '../shared/html.js';
import type { RequestForm } from './form.js';
import { alreadyRecordedPage, page } from './pages.js';

async function programmeName(request: Request, deps: Dependencies) {
  const application = await deps.store.applications.get(request.applicationId ?? '');
  if (!application) throw new Error(`Confirmation ${request.requestId} has no application`);
  return programmeById(application.programmeId).name;
}

/** Double opt-in: the emailed link's page confirms the application with one button (GET only shows it). */
export const applicationConfirmationForm: RequestForm = {
  pageFollowsAnswer: true,

  fields: async () => [],

  async show(request, deps) {
    return page(
      200,
      'Confirm your application',
      html`<h1>Confirm your application</h1>
<p>To the ${await programmeName(request, deps)}. Once you confirm, the Maths Hub will contact you about an interview.</p>
<form method="post"><button type="submit">Confirm my application</button></form>`,
    );
  },

  async answer(request, _values, _evidence, deps) {
    const name = await programmeName(request, deps);
    await confirmApplication(request, deps);
    return page(
      200,
      'Your application is sent',
      html`<h1>Your application is sent</h1><p>Your application to the ${name} is with the Maths Hub. We will email you about an interview.</p><p>You can close this page.</p>`,
    );
  },

  alreadyAnswered: async () => alreadyRecordedPage('Your application'),

  expired: async () =>
    page(
      410,
      'This link has expired',
      html`<h1>This link has expired</h1><p>Confirmation links work for a week. Please apply again and use the link in the new email.</p>`,
    ),
};
