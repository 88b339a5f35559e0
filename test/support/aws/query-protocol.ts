import { escapeXml, XML_DECLARATION } from './xml.js';

/**
 * The AWS query protocol spoken by STS and IAM: a form-encoded request naming `Action` and `Version`,
 * an XML response `<ActionResponse><ActionResult>...</ActionResult><ResponseMetadata>`.
 * (EC2 speaks a dialect of it with another response and error shape; see ec2.ts.)
 */

/** A successful query-protocol response around an already rendered result. */
export const queryResponseXml = (
  action: string,
  namespace: string,
  result: string,
  requestId: string,
): string =>
  `${XML_DECLARATION}<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>` +
  `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`;

/** A query-protocol error; the SDK reads `Code` and `Message`, and `Type` says whose fault it is. */
export const queryErrorXml = (code: string, message: string, status: number, requestId: string): string =>
  `${XML_DECLARATION}<ErrorResponse><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
  `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
  `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`;

/** A query request's parameters as recorded: every form field but `Action` and `Version`. */
export const formParams = (form: URLSearchParams): Record<string, string> =>
  Object.fromEntries([...form].filter(([key]) => key !== 'Action' && key !== 'Version'));
