/** Answer lists for the report form, in the words of seed 003 §3.6 and PRODUCT.md. */
export interface Choice {
  value: string;
  label: string;
}

export const KINDS: readonly Choice[] = [
  { value: 'incident', label: 'Something has happened (an incident)' },
  { value: 'near_miss', label: 'It nearly happened (a near miss)' },
  { value: 'weakness', label: 'Something could let it happen (a weakness)' },
];

export const YES_NO_UNKNOWN: readonly Choice[] = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
  { value: 'unknown', label: 'Not sure' },
];

export const ENCRYPTED: readonly Choice[] = [
  ...YES_NO_UNKNOWN,
  { value: 'not_applicable', label: 'No device or media involved' },
];

export const SENSITIVITY: readonly Choice[] = [
  { value: 'public', label: 'Public' },
  { value: 'internal', label: 'Internal' },
  { value: 'confidential', label: 'Confidential' },
  { value: 'restricted', label: 'Highly confidential / restricted' },
  { value: 'unknown', label: 'Not sure' },
];

export const IMMEDIATE_CAUSES: readonly Choice[] = [
  { value: 'breach', label: 'Breach (accessed or disclosed)' },
  { value: 'theft', label: 'Theft' },
  { value: 'misplaced', label: 'Misplaced or lost' },
  { value: 'destroyed', label: 'Destroyed or damaged' },
  { value: 'other', label: 'Other' },
];

export const LOSS_LOCATIONS: readonly Choice[] = [
  { value: 'post', label: 'In the post' },
  { value: 'courier', label: 'With a courier' },
  { value: 'home_office', label: 'At a home office' },
  { value: 'office', label: 'At the office' },
  { value: 'other', label: 'Somewhere else' },
];

export const HOME_OFFICE_PLACES: readonly Choice[] = [
  { value: 'terminal', label: 'A computer or terminal' },
  { value: 'public_area', label: 'A public area' },
  { value: 'desk', label: 'A desk' },
  { value: 'drawer', label: 'A drawer' },
  { value: 'filing_cabinet', label: 'A filing cabinet' },
  { value: 'office', label: 'An office' },
  { value: 'other', label: 'Somewhere else' },
];

export interface FollowUpQuestion {
  key: string;
  label: string;
  answers: readonly Choice[] | 'text';
}

/** Seed 003 §3.6: the follow-up questions asked only for post, courier and home office losses. */
export const LOSS_FOLLOW_UPS: Readonly<Record<string, readonly FollowUpQuestion[]>> = {
  post: [
    { key: 'post_how_sent', label: 'How was it sent?', answers: 'text' },
    { key: 'post_double_enveloped', label: 'Was it double enveloped?', answers: YES_NO_UNKNOWN },
    { key: 'post_address_verified', label: 'Was the address verified?', answers: YES_NO_UNKNOWN },
    { key: 'post_sent_from', label: 'Where was it sent from?', answers: 'text' },
  ],
  courier: [
    { key: 'courier_collected_from', label: 'From where was it collected?', answers: 'text' },
    { key: 'courier_track_and_trace', label: 'Was it sent with "track and trace"?', answers: YES_NO_UNKNOWN },
    {
      key: 'courier_expected_courier',
      label: 'Was it collected by the expected courier?',
      answers: YES_NO_UNKNOWN,
    },
    { key: 'courier_address_verified', label: 'Was the address verified?', answers: YES_NO_UNKNOWN },
    { key: 'courier_double_enveloped', label: 'Was it double enveloped?', answers: YES_NO_UNKNOWN },
  ],
  home_office: [
    {
      key: 'home_accessed_from',
      label: 'From where was it accessed or stolen?',
      answers: HOME_OFFICE_PLACES,
    },
    { key: 'home_protectively_marked', label: 'Was it protectively marked?', answers: YES_NO_UNKNOWN },
    {
      key: 'home_stored_appropriately',
      label: 'If it was protectively marked, was it stored appropriately?',
      answers: YES_NO_UNKNOWN,
    },
  ],
};

export function followUpsFor(lossLocation: string | null | undefined): readonly FollowUpQuestion[] {
  return (lossLocation && LOSS_FOLLOW_UPS[lossLocation]) || [];
}

export function labelOf(choices: readonly Choice[], value: string | null | undefined): string | undefined {
  return choices.find((c) => c.value === value)?.label;
}
