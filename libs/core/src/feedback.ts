/** A reader's correction of a tag: the loop that tells us where the classifier is wrong. */
export const FEEDBACK_KINDS = ['wrong_tag', 'missing_tag'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export interface Feedback {
  id: string;
  documentId: string;
  /** `wrong_tag`: the document should not carry `label`; `missing_tag`: it should. */
  kind: FeedbackKind;
  /** A sub-sector id. */
  label: string;
  note?: string;
  by?: string;
  createdAt: string;
}

export interface FeedbackFilter {
  documentId?: string;
  label?: string;
}
