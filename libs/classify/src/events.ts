/**
 * Policy events, document type and the policy-action decision, from surface patterns in the
 * title, summary, body and URL. Pure functions; no taxonomy needed.
 */
import type { DocType, PolicyEvent, TextField } from '@radar/core';
import { dateAfter } from './dates';

export const POLICY_EVENT_KINDS = [
  'proposed_rule',
  'final_rule',
  'interim_final_rule',
  'comment_period_open',
  'comment_deadline',
  'effective_date',
  'executive_order',
  'bill_introduced',
  'bill_passed',
  'bill_enacted',
  'funding_opportunity',
  'award',
  'export_control',
  'tariff',
  'sanction',
  'permit_decision',
  'guidance',
] as const;
export type PolicyEventKind = (typeof POLICY_EVENT_KINDS)[number];

/** Trigger kinds: the reported event kinds plus internal signals that only inform policyAction. */
export type HitKind = PolicyEventKind | 'budget' | 'order';

export interface FieldText {
  field: TextField;
  text: string;
}

/** One trigger found in the text. */
export interface EventHit {
  kind: HitKind;
  field: TextField;
  offset: number;
  phrase: string;
  date?: string;
}

interface Rule {
  kind: HitKind;
  /**
   * Lower-case literal prefixes, at least two characters long: every match of `re` starts with
   * one of them at a word start (or, for "$", at a dollar sign). The scanner only tries `re` at
   * such places, so a match starting elsewhere would be missed: keep this list complete.
   */
  first: readonly string[];
  re: RegExp;
  /** Look for a date right after the trigger (always for deadlines and effective dates). */
  date?: 'after' | 'required';
  /** Case-sensitive rule (acronyms). */
  cs?: boolean;
}

/** A government actor as the subject of a verb ("Army buys", "Treasury tightens"). */
const GOV_SUBJECT = String.raw`(?<!\b(?:if|once|pending|until|unless|before|whether|should|would|could|may|might) (?:the |a )?)`;
/** Up to two words between subject and verb, none of them hedging ("urged to", "should"). */
const GAP = String.raw`(?:(?!(?:urged|asked|called|pressed|should|could|would|may|might|must|to|not|never)\b)[\w-]+ ){0,2}?`;
/** Government actors (regex fragments, matched case-insensitively). */
const GOV_WORDS =
  'army|navy|air force|space force|marines?|marine corps|pentagon|dod|dow|doe|department|agency|administration|commission|congress|senate|house|lawmakers?|legislators?|government|white house|president|trump|biden|treasury|commerce|interior|fcc|faa|nrc|ferc|epa|fda|cisa|nasa|darpa|diu|sda|mda|disa|nsa|usda|hhs|dhs|ustr|bis|nist|ntia|marad|blm|irs|socom|usgs|omb|governor|legislature|regulators?|officials?|feds|beijing|ministry|mofcom|eu'.split(
    '|',
  );
const GOV = `(?:${GOV_WORDS.join('|')})`;
/** First words of GOV_WORDS as literal prefixes ("lawmakers?" -> "lawmaker"), for the rules' `first` lists. */
const GOV_FIRST = GOV_WORDS.map((w) => w.split(' ')[0]!.replace(/s?\?$/, ''));
const MONEY = String.raw`(?:(?:US)?\$\s?[\d.,]+\s?(?:million|billion|[mb]n?|[MB])?\s)?`;

const RULES: Rule[] = [
  { kind: 'interim_final_rule', first: ['interim'], re: /\binterim final rules?\b/, date: 'after' },
  {
    kind: 'final_rule',
    first: ['final', 'action', 'issue', 'order', 'ferc', 'commission', 'regulatory', 'report'],
    re: /\b(?:final rules?|final regulations?|action:\s*final rule|finali[sz](?:es|ed|ing|e) (?:a |the |its |new |two |these )?(?:[\w-]+ )?(?:rules?|regulations?|standards?|requirements?)|issue[sd]? (?:a |the )?final (?:rule|order)|orders? nos?\.? \d{3,4}(?:-[a-c])?\b|(?:ferc|commission)(?:'s|’s)? order (?:no\.? )?\d{3,4}|regulatory order|report and order)/,
    date: 'after',
  },
  {
    kind: 'final_rule',
    first: ['adopt', 'rescind', 'repeal', 'withdraw', 'revoke'],
    re: /\b(?:adopt(?:s|ed|ing)? (?:new |final |the |its )?(?:[\w-]+ ){0,3}?(?:rules?|regulations?|standards?|requirements?)|(?:rescind|repeal|withdraw|revoke)(?:s|ed|ing)? (?:the |a |its )?(?:[\w-]+ ){0,4}?(?:rules?|regulations?|orders?|guidance|framework|requirements?))\b/,
  },
  {
    kind: 'proposed_rule',
    first: ['notice', 'propos', 'action'],
    re: /\b(?:notice of proposed rulemaking|proposed rules?|proposed rulemaking|proposed regulations?|action:\s*proposed rule|propos(?:es|ed|ing) (?:a |new |to )?(?:[\w-]+ ){0,3}?(?:rules?|regulations?|standards?|restrictions?|bans?|limits?|updates? to|changes to|amend|requir))/,
    date: 'after',
  },
  { kind: 'proposed_rule', first: ['nprm', 'prm'], re: /\bN?PRM\b|\bNPRMs?\b/, cs: true },
  {
    kind: 'proposed_rule',
    first: ['initiate', 'launch', 'open', 'begin', 'began'],
    re: /\b(?:initiates?|launch(?:es|ed)?|opens?|opened|begins?|began) (?:a )?rulemaking\b/,
  },
  {
    kind: 'comment_deadline',
    first: ['comment', 'deadline', 'submit'],
    re: /\b(?:comments? (?:must|should|are to) be (?:received|submitted|filed|postmarked)|comments? (?:are )?due|deadline for (?:submitting |filing |public )?comments|submit (?:written )?comments (?:by|on or before|no later than)|comment period (?:ends|closes|will close|expires))/,
    date: 'required',
  },
  {
    kind: 'comment_period_open',
    first: ['comment', 'request', 'seek', 'sought', 'invit', 'notice', 'open'],
    re: /\b(?:comment period|request(?:s|ing|ed)? (?:for )?(?:public |written )?comments?|seek(?:s|ing)? (?:public |written )?comments?|sought (?:public )?comments?|invit(?:es|ing|ed) (?:public |written )?comments?|comments? (?:are|is) (?:requested|invited|sought)|request for information|notice of inquiry|open(?:s|ed)? (?:a |the )?(?:public )?comment)/,
    date: 'after',
  },
  { kind: 'comment_period_open', first: ['rfi'], re: /\bRFI\b/, cs: true },
  {
    kind: 'effective_date',
    first: ['effective', 'take', 'took', 'go', 'went', 'become', 'will'],
    re: /\b(?:effective date|takes? effect|took effect|go(?:es)? into effect|went into effect|becomes? effective|will be effective|effective (?:on |as of |beginning |starting )?(?=(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)))/,
    date: 'after',
  },
  {
    kind: 'executive_order',
    first: ['executive', 'e.', 'eo', 'presidential', 'issue', 'sign', 'proclamation', 'national', 'trump', 'by'],
    re: /\b(?:executive orders?|e\.\s?o\.\s?\d{5}|eo \d{5}|presidential (?:memorandum|memoranda|proclamation|actions?|determination)|(?:issues|issued|signs|signed) (?:a |an )?(?:presidential )?proclamation|proclamation \d{4,5}|national security presidential memorandum|(?:signs|signed) (?:an? )?(?:new )?order|trump order|by the authority vested in me)\b/,
  },
  {
    kind: 'bill_introduced',
    first: [
      'introduc',
      'bill',
      'legislation',
      'measure',
      'seek',
      'push',
      'look',
      'lawmaker',
      'sponsored',
      'cosponsored',
      'co-sponsored',
      'reauthoriz',
      'move',
    ],
    re: /\b(?:introduc(?:e|ed|es|ing|tion of)\s+(?:[\w'".,-]+\s+){0,8}?(?:bill|bills|legislation|act|resolution|amendment)\b|(?:bill|legislation|measure) (?:was |has been )?introduced|(?:bill|legislation|measure) (?:that )?would (?:bar|ban|require|prohibit|direct|authorize|provide|phase|establish)|(?:seeks?|push(?:es|ing)?|look(?:s|ing)? to) (?:a )?(?:ban|bar|curb)\b|lawmakers? (?:seeks?|push|pushes|want|propose|proposes|urge)|(?:sponsored|cosponsored|co-sponsored) (?:a |the )?(?:bill|legislation)|reauthoriz(?:e|es|ing|ation)\b|moves? to (?:ban|bar|require|reauthorize|repeal|restrict))/,
  },
  { kind: 'bill_introduced', first: ['h.', 's.'], re: /\b(?:H\.\s?R\.|S\.)\s?\d{1,5}\b/, cs: true },
  {
    kind: 'bill_passed',
    first: [
      'pass',
      'house',
      'senate',
      'congress',
      'lawmakers',
      'legislature',
      'cleared',
      'approved',
      'conference',
      'reported',
      'bill',
      'act',
      'recommend',
      'committee',
    ],
    re: /\b(?:pass(?:ed|es)? (?:the |by the )?(?:full |state )?(?:house|senate|assembly|legislature)|(?:house|senate|congress|lawmakers|legislature) (?:passed|passes|approved|approves|voted|votes)|cleared (?:the )?(?:house|senate)|approved by (?:the )?(?:house|senate)|conference report|reported (?:favorably|out of committee)|(?:bill|act),? as amended,? do pass|recommends? (?:that the bill )?(?:as amended )?do pass|committee (?:approved|advanced|passed))/,
  },
  {
    kind: 'bill_enacted',
    first: [
      'signed',
      'became',
      'was',
      'were',
      'enacted',
      'public',
      'p.l.',
      'appropriations',
      'defense',
      'spending',
      'new',
      'state',
      'federal',
      'law',
    ],
    re: /\b(?:signed into law|became law|(?:was |were )?enacted (?:in|on|into|as)|public law (?:no\.? )?\d+-\d+|p\.l\. \d+-\d+|appropriations act|(?:defense|spending|appropriations) bill provides|(?:new |state |federal )?law (?:requires|lets|allows|bans|mandates|prohibits|directs))/,
  },
  {
    kind: 'funding_opportunity',
    first: ['funding', 'notice', 'request', 'application', 'open', 'announce', 'making', 'grant', 'solicitation'],
    re: /\b(?:funding opportunit(?:y|ies)|notice of funding|funding opportunity announcement|request for proposals|requests for applications|applications? (?:are |is )?(?:now )?(?:due|open|being accepted)|(?:opens?|opened|announces?|announced|making available) (?:up to )?\$?[\d.,]+ ?(?:million|billion)? (?:in )?(?:funding|grants?)|grant program|solicitation)/,
    date: 'after',
  },
  { kind: 'funding_opportunity', first: ['nofo', 'foa', 'rfp', 'baa'], re: /\b(?:NOFO|FOA|RFP|BAA)s?\b/, cs: true },
  // Awards. Each pattern starts with a literal word and scans a bounded window, so matching
  // stays linear (no nested open-ended repeats).
  {
    kind: 'award',
    first: ['award'],
    re: /\baward(?:s|ed|ing)?\b(?!-winning)[^\n;]{0,80}?\b(?:contracts?|grants?|task orders?|agreements?|prototypes?|funding|loans?|awards?|OTA)\b/,
  },
  {
    kind: 'award',
    first: ['win', 'won', 'receive', 'secure', 'land', 'get', 'got'],
    re: /\b(?:wins?|won|receives?|received|secures?|secured|lands?|landed|gets?|got)\b[^\n;.]{0,60}?\b(?:contracts?|awards?|grants?|task orders?|loans?)\b/,
  },
  {
    kind: 'award',
    first: ['$'],
    re: /\$[\d.,]+\s?(?:million|billion|[mb]n?)\s(?:[\w-]+\s){0,2}?(?:contract|grant|award|loan)\b/,
  },
  {
    kind: 'award',
    first: ['conditional', 'loan', 'preliminary', 'cooperative', 'mission', 'contract', 'other'],
    re: /\b(?:conditional commitment|loan guarantee|preliminary (?:memorandum of )?terms|cooperative agreement|mission assignments|contract awards?|other transaction (?:authority )?(?:agreement|award))\b/,
  },
  {
    kind: 'award',
    first: ['taps', 'picks', 'select', 'choose', 'chose'],
    re: /\b(?:taps|picks|selects|selected|chooses|chose)\b[^\n;]{0,120}?\b(?:to (?:build|lead|develop|produce|supply|provide|make|deliver)|for)\b/,
  },
  { kind: 'award', first: ['finali'], re: /\bfinali[sz](?:es|ed|ing|e)\b[^\n;]{0,40}?\bawards?\b/ },
  {
    kind: 'award',
    first: ['extend', 'expand', 'modif'],
    re: /\b(?:extend|expand|modif(?:y|ie))(?:s|ed)?\b[^\n;.]{0,40}?\bcontract\b/,
  },
  {
    kind: 'award',
    first: ['win', 'won', 'receive', 'secure', 'get', 'got', 'land'],
    re: /\b(?:wins?|won|receives?|received|secures?|secured|gets?|got|lands?|landed)\b[^\n;.]{0,50}?\b(?:deal|funding|financing|incentives?|investment|loan)\b/,
  },
  {
    kind: 'award',
    first: GOV_FIRST,
    re: new RegExp(
      String.raw`${GOV_SUBJECT}\b${GOV} ${GAP}(?:buys?|bought|purchases?|purchased|funds|funded|backs|backed|finances|financed|invests?|invested|assigns?|assigned|picks?|picked|selects?|selected|hires?|hired)\b`,
    ),
  },
  {
    kind: 'award',
    first: [...GOV_FIRST, 'federal', 'government', 'defense'],
    re: new RegExp(
      String.raw`\b(?:${GOV}|federal|government|defense) (?:[\w-]+ ){0,1}?(?:contracts?|grants?|loans?|funding|awards?|task orders?)\b`,
    ),
  },
  {
    kind: 'award',
    first: ['announc', 'commit', 'provid', 'invest', 'take', 'took', 'taking', 'equity', 'selected'],
    re: /\b(?:announc(?:es|ed|ing)|commit(?:s|ted)?|provid(?:es|ed)|invest(?:s|ed)?) (?:up to |nearly |about |more than )?\$[\d.,]+\s?(?:million|billion|[mb]n?)\b|\b(?:takes?|took|taking) (?:an? )?(?:\$[\d.,]+\s?(?:million|billion) )?(?:equity )?stake\b|\bequity stake\b|\bselected (?:[\w-]+ ){0,3}?projects\b/,
  },
  {
    kind: 'budget',
    first: ['budget', 'supplemental', 'request', 'seek', 'sought', 'ask', 'appropriat', 'bill'],
    re: new RegExp(
      String.raw`\b(?:budget request|supplemental (?:funding )?request|(?:request(?:s|ed)?|seek(?:s|ing)?|sought|ask(?:s|ed)? for) (?:about |nearly |roughly )?\$[\d.,]+\s?(?:million|billion|[mb]n?|[MB])\b|appropriat(?:es|ed|ion|ions) (?:of )?\$|(?:bill|budget|appropriations?) (?:provides|includes|adds) \$)`,
    ),
  },
  {
    kind: 'order',
    first: [
      ...GOV_FIRST,
      '202',
      'emergency',
      'memo',
      'add',
      'remove',
      'tighten',
      'loosen',
      'ease',
      'relax',
      'revise',
      'overhaul',
      'streamline',
    ],
    re: new RegExp(
      String.raw`\b(?:${GOV_SUBJECT}${GOV} ${GAP}(?:orders?|ordered|directs?|directed|bans?|banned|bars?|barred|prohibits?|prohibited|restricts?|restricted|tightens?|tightened|loosens?|eases?|eased|mandates?|mandated|requires?|required|blocks?|blocked|sets? rules|rescinds?|rescinded)\b|(?:202\(c\)|emergency) (?:order|powers)|memo orders|(?:adds?|added|removes?|removed) (?:[\w-]+ ){0,6}?to (?:the |its )?(?:[\w-]+ ){0,3}?list\b|(?:tightens?|loosens?|eases?|relax(?:es)?|revises?|overhauls?|streamlines?) (?:[\w-]+ ){0,4}?(?:rules?|regulations?|requirements?|licensing|permitting)\b)`,
    ),
  },
  {
    kind: 'export_control',
    first: ['export', 'entity', 'foreign', 'unverified', 'restrict', 'require', 'add'],
    re: /\b(?:export controls?|export restrictions?|export licen[cs](?:e|es|ing)|entity list|export administration regulations|foreign direct product rule|unverified list|export ban|restrict(?:s|ed|ing)? exports?|requires? (?:a |an )?(?:export )?licen[cs]es?|(?:adds|added|adding) (?:[\w-]+ ){0,5}?to (?:the )?entity list)/,
  },
  { kind: 'export_control', first: ['ear', 'itar', 'eccn', 'bis'], re: /\b(?:EAR|ITAR|ECCN|BIS)\b/, cs: true },
  {
    kind: 'tariff',
    first: [
      'tariff',
      'antidumping',
      'anti-dumping',
      'countervailing',
      'dumping',
      'duties',
      'import',
      'section',
      'circumvention',
      'port',
      'safeguard',
      'trade',
      'ad',
      'cvd',
    ],
    re: /\b(?:tariffs?|antidumping|anti-dumping|countervailing|dumping margins?|duties on|import dut(?:y|ies)|section 232|section 301|section 201|circumvention|port fees?|safeguard (?:measures?|tariffs?)|trade remed(?:y|ies)|(?:ad|cvd) (?:investigations?|orders?|petitions?|rates?))\b/,
    date: 'after',
  },
  { kind: 'tariff', first: ['ad/cvd'], re: /\bAD\/CVD\b/, cs: true },
  {
    kind: 'sanction',
    first: [
      'sanction',
      'impos',
      'specially',
      'propos',
      'seek',
      'sought',
      'issu',
      'levie',
      'civil',
      'notice',
      'record',
      '$',
    ],
    re: new RegExp(
      String.raw`\b(?:sanctions? (?:on|against)|impos(?:es|ed|ing) sanctions|sanctioned (?:by|under)|specially designated nationals|(?:propos(?:es|ed|ing)|seek(?:s|ing)?|sought|impos(?:es|ed|ing)|issu(?:es|ed|ing)|levie[sd]) (?:a |an )?(?:record(?:-breaking)? |proposed )?${MONEY}(?:[\w-]+ ){0,2}?(?:fines?|penalt(?:y|ies)|forfeitures?)|civil penalt(?:y|ies)|notice of apparent liability|(?:record|\$[\d.,]+\s?(?:million|billion)) (?:fine|penalty))`,
    ),
  },
  { kind: 'sanction', first: ['ofac'], re: /\bOFAC\b/, cs: true },
  {
    kind: 'permit_decision',
    first: [
      'record',
      'issue',
      'grant',
      'approv',
      'den',
      'renew',
      'construction',
      'operating',
      'combined',
      'licen',
      'launch',
      'finding',
      'categorical',
      'environmental',
      'ok',
    ],
    re: /\b(?:record of decision|(?:issue[sd]?|grant(?:s|ed)?|approv(?:ed|es)|den(?:ied|ies)|renew(?:s|ed)) (?:a |an |the )?(?:[\w-]+ ){0,4}?(?:permits?|licen[cs]es?|license authorization|authorization|approvals?|waivers?)\b|construction permit|operating licen[cs]e|combined licen[cs]e|licen[cs]e (?:authorization|modification|renewal|amendment|application)|launch licen[cs]e|finding of no significant impact|categorical exclusion|environmental impact statement|approv(?:ed|es|al of) (?:the |a |an )?(?:[\w-]+ ){0,3}?(?:mine|project|pipeline|plant|reactor|transmission line)s?\b|ok'd|okays?\b)/,
  },
  {
    kind: 'permit_decision',
    first: [...GOV_FIRST, 'cleared', 'approved', 'certified', 'authori', 'licensed', 'clear'],
    re: new RegExp(
      String.raw`\b(?:${GOV_SUBJECT}${GOV} ${GAP}(?:clears?|cleared|approves?|approved|certifies|certified|authori[sz]es?|authori[sz]ed|licenses|licensed|permits)\b|(?:cleared|approved|certified|authori[sz]ed|licensed) by (?:the )?${GOV}\b|certified (?:[\w-]+ ){0,3}?for (?:national security|flight|launch|operation|use)\b|clears? (?:[\w-]+ ){0,3}?for (?:launch|flight|restart|operation|construction)\b)`,
    ),
  },
  {
    kind: 'permit_decision',
    first: ['add', 'expand', 'plac', 'includ', 'covered', 'equipment'],
    re: /\b(?:(?:add(?:s|ed|ing)?|expand(?:s|ed|ing)?|plac(?:es|ed|ing)|includ(?:es|ed|ing)) (?:[\w-]+ ){0,8}?(?:to |on )?(?:the |its )?covered list|covered list (?:entry|addition|update)|equipment authori[sz]ations?)/,
  },
  {
    kind: 'guidance',
    first: ['declaratory', 'public', 'national'],
    re: /\bdeclaratory ruling\b|\bpublic notice\b|\bnational security determination\b/,
  },
  {
    kind: 'guidance',
    first: [
      'issue',
      'release',
      'publish',
      'update',
      'unveil',
      'announce',
      'guidance',
      'establish',
      'set',
      'white',
      'administration',
      'agency',
      'department',
      'cybersecurity',
      'joint',
      'policy',
      'emergency',
      'binding',
      'launch',
      'notice',
      'implementation',
    ],
    re: /\b(?:(?:issue[sd]?|release[sd]?|publishe[sd]|publish|update[sd]?|unveil(?:s|ed)?|announce[sd]?) (?:new |updated |final |interim |draft |its |the |a |an )*(?:guidance|advisory|guidelines|faqs?|frequently asked questions|fact sheet|policy statement|(?:[\w-]+ ){0,3}?framework|(?:[\w-]+ ){0,3}?strategy|(?:[\w-]+ ){0,3}?(?:action )?plan|(?:[\w.-]+ ){0,3}?algorithm suite|memorandum|memo|report on)|guidance (?:document|on|for|to)|(?:establish(?:es|ing)?|sets?|setting) (?:out )?(?:new )?(?:requirements|standards|deadlines|timelines)|(?:white house|administration|agency|department)(?:'s|’s)? (?:[\w-]+ ){0,3}?(?:action plan|strategy|framework|guidance|memorandum)|cybersecurity advisory|joint advisory|policy statement|emergency directive|binding operational directive|launch(?:es|ed)? (?:a |the |new )*(?:[\w-]+ ){0,3}?(?:program|initiative|pilot)\b|notice \d{4}-\d{1,3}|implementation (?:guidance|plan))\b/,
  },
];

interface CompiledRule extends Rule {
  /** Sticky: tried only at candidate offsets. */
  sticky: RegExp;
  /** Global: the reference scan over the whole text. */
  global: RegExp;
}

const COMPILED: CompiledRule[] = RULES.map((r) => ({
  ...r,
  sticky: new RegExp(r.re.source, r.cs === true ? 'y' : 'yi'),
  global: new RegExp(r.re.source, r.cs === true ? 'g' : 'gi'),
}));

/**
 * Prefix index: a character trie over every rule prefix, as a dense transition table over the
 * characters prefixes use (upper-case letters share their lower-case class, so no folding is
 * needed while walking). State 0 is the root and doubles as "no transition".
 */
const CHAR_CLASS = new Uint8Array(128);
const DOLLAR_RULES: number[] = [];
const PREFIXES: { prefix: string; rule: number }[] = [];
COMPILED.forEach((r, rule) => {
  for (const prefix of new Set(r.first)) {
    if (prefix === '$') {
      DOLLAR_RULES.push(rule);
      continue;
    }
    if (prefix.length < 2 || prefix !== prefix.toLowerCase() || !/^[a-z0-9][\x21-\x7e]*$/.test(prefix)) {
      throw new Error(`events: bad first-word prefix "${prefix}" for ${r.kind}`);
    }
    PREFIXES.push({ prefix, rule });
  }
});
let classCount = 0;
for (const { prefix } of PREFIXES) {
  for (let k = 0; k < prefix.length; k++) {
    const c = prefix.charCodeAt(k);
    if (CHAR_CLASS[c] !== 0) continue;
    CHAR_CLASS[c] = ++classCount;
    if (c >= 97 && c <= 122) CHAR_CLASS[c - 32] = classCount;
  }
}
const STRIDE = classCount + 1;
const trieNext: number[] = new Array<number>(STRIDE).fill(0);
/** State -> rules with a prefix ending there (each rule once). */
const STATE_RULES: (number[] | undefined)[] = [undefined];
for (const { prefix, rule } of PREFIXES) {
  let state = 0;
  for (let k = 0; k < prefix.length; k++) {
    const at = state * STRIDE + CHAR_CLASS[prefix.charCodeAt(k)]!;
    if (trieNext[at] === 0) {
      trieNext[at] = STATE_RULES.length;
      STATE_RULES.push(undefined);
      for (let x = 0; x < STRIDE; x++) trieNext.push(0);
    }
    state = trieNext[at]!;
  }
  const rules = (STATE_RULES[state] ??= []);
  if (!rules.includes(rule)) rules.push(rule);
}
const TRIE_NEXT = Int32Array.from(trieNext);

/** ASCII [A-Za-z0-9_]: the regex `\w` that decides where a `\b` is. */
const W = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) W[c] = 1;
}

/** Adds `p` to the candidates of every rule with a prefix found at `p` (a word start). */
function tryWordStart(text: string, p: number, out: (number[] | undefined)[]): void {
  const n = text.length;
  let state = 0;
  for (let k = p; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c >= 128) return;
    const cls = CHAR_CLASS[c]!;
    if (cls === 0) return;
    state = TRIE_NEXT[state * STRIDE + cls]!;
    if (state === 0) return;
    const rules = STATE_RULES[state];
    if (rules === undefined) continue;
    for (let e = 0; e < rules.length; e++) {
      const at = (out[rules[e]!] ??= []);
      if (at[at.length - 1] !== p) at.push(p);
    }
  }
}

/**
 * Offsets where each rule may match, in increasing order: word starts (a `\b` followed by an
 * ASCII letter or digit) whose lower-cased text begins with one of the rule's prefixes, and
 * dollar signs. With `tokenStarts` (from a token stream whose tokens are all ASCII, so every
 * such word start is a token start) only those offsets are looked at.
 */
function candidates(text: string, tokenStarts?: readonly number[]): (number[] | undefined)[] {
  const out: (number[] | undefined)[] = new Array(COMPILED.length);
  const n = text.length;
  if (tokenStarts !== undefined) {
    for (let t = 0; t < tokenStarts.length; t++) {
      const p = tokenStarts[t]!;
      // A token may start after "_", which is no word start for `\b`; the regex rejects it then.
      tryWordStart(text, p, out);
    }
  } else {
    let prevWord = false;
    for (let p = 0; p < n; p++) {
      const c = text.charCodeAt(p);
      const word = c < 128 && W[c] === 1;
      if (word && !prevWord && c !== 95) tryWordStart(text, p, out);
      prevWord = word;
    }
  }
  if (DOLLAR_RULES.length > 0) {
    // Merged after the word starts: keep each rule's offsets in increasing order.
    for (let p = text.indexOf('$'); p >= 0; p = text.indexOf('$', p + 1)) {
      for (const rule of DOLLAR_RULES) (out[rule] ??= []).push(p);
    }
    for (const rule of DOLLAR_RULES) {
      const at = out[rule];
      if (at !== undefined && at.length > 1) at.sort((a, b) => a - b);
    }
  }
  return out;
}

function toHit(rule: Rule, field: TextField, text: string, index: number, phrase: string): EventHit | undefined {
  if (rule.kind === 'final_rule' && /interim\s+$/i.test(text.slice(Math.max(0, index - 9), index))) return undefined;
  const hit: EventHit = { kind: rule.kind, field, offset: index, phrase };
  if (rule.date !== undefined) {
    const d = dateAfter(text, index + phrase.length, rule.date === 'required' ? 200 : 120);
    if (d !== undefined) hit.date = d;
  }
  return hit;
}

/**
 * Every policy-event trigger in the fields, with the date stated next to it if any. Each rule
 * runs (sticky) only at its candidate offsets, skipping those inside its previous match: the
 * same hits, in the same order, as running every rule globally over the whole text.
 */
export function findEventHits(fields: readonly FieldText[]): EventHit[] {
  return findEventHitsIn(fields);
}

/**
 * findEventHits for a caller that has already tokenised the fields (same order as `fields`):
 * the token starts replace the character scan when every token is ASCII.
 */
export function findEventHitsIn(
  fields: readonly FieldText[],
  streams?: readonly ({ starts: readonly number[]; asciiTokens: boolean } | undefined)[],
): EventHit[] {
  const hits: EventHit[] = [];
  for (let f = 0; f < fields.length; f++) {
    const { field, text } = fields[f]!;
    if (text === '') continue;
    const stream = streams?.[f];
    const cand = candidates(text, stream !== undefined && stream.asciiTokens ? stream.starts : undefined);
    for (let r = 0; r < COMPILED.length; r++) {
      const at = cand[r];
      if (at === undefined) continue;
      const rule = COMPILED[r]!;
      const re = rule.sticky;
      let end = 0;
      for (const p of at) {
        if (p < end) continue;
        re.lastIndex = p;
        const m = re.exec(text);
        if (m === null) continue;
        end = p + Math.max(1, m[0].length);
        const hit = toHit(rule, field, text, p, m[0]);
        if (hit !== undefined) hits.push(hit);
      }
    }
  }
  return hits;
}

/** The plain version of findEventHits (every rule over the whole text), kept to check it against. */
export function findEventHitsReference(fields: readonly FieldText[]): EventHit[] {
  const hits: EventHit[] = [];
  for (const { field, text } of fields) {
    if (text === '') continue;
    for (const rule of COMPILED) {
      rule.global.lastIndex = 0;
      for (const m of text.matchAll(rule.global)) {
        const hit = toHit(rule, field, text, m.index, m[0]);
        if (hit !== undefined) hits.push(hit);
      }
    }
  }
  return hits;
}

/** Distinct events: one per kind, plus one per extra distinct date; dated hits preferred. */
export function eventsFromHits(hits: readonly EventHit[]): PolicyEvent[] {
  const byKind = new Map<PolicyEventKind, Set<string>>();
  const order: PolicyEventKind[] = [];
  for (const h of hits) {
    if (h.kind === 'budget' || h.kind === 'order') continue;
    let s = byKind.get(h.kind);
    if (s === undefined) {
      s = new Set();
      byKind.set(h.kind, s);
      order.push(h.kind);
    }
    if (h.date !== undefined) s.add(h.date);
  }
  const out: PolicyEvent[] = [];
  for (const kind of order) {
    const dates = [...byKind.get(kind)!].sort();
    if (dates.length === 0) out.push({ kind });
    else for (const date of dates.slice(0, 3)) out.push({ kind, date });
  }
  return out;
}

const GOV_ACTOR = new RegExp(
  String.raw`\b(?:${GOV}|federal|congressional|senators?|representatives|secretary|bureau|united states|state legislature)\b|(?:^|\W)u\.\s?s\.(?!\w)`,
  'i',
);

/** Position weight of a hit: the title and the lead carry the news. */
function hitWeight(h: EventHit): number {
  if (h.field === 'title') return 2;
  if (h.field === 'summary') return 1.5;
  if (h.offset < 300) return 1.5;
  if (h.offset < 600) return 1.2;
  if (h.offset < 2500) return 0.8;
  return 0.5;
}

const KIND_WEIGHT: Record<HitKind, number> = {
  proposed_rule: 1.7,
  final_rule: 1.7,
  interim_final_rule: 1.7,
  comment_period_open: 1,
  comment_deadline: 1.5,
  effective_date: 1,
  executive_order: 1.7,
  bill_introduced: 1.2,
  bill_passed: 1.7,
  bill_enacted: 1.5,
  funding_opportunity: 1.2,
  award: 1.1,
  export_control: 1.2,
  tariff: 1.1,
  sanction: 1.2,
  permit_decision: 1.2,
  guidance: 1,
  budget: 1.2,
  order: 1.1,
};

export interface PolicyActionDecision {
  policyAction: boolean;
  score: number;
}

/**
 * A text reports a policy action when event triggers are prominent enough (in the title or the
 * lead, or repeated) and a government actor is involved. Formal document types count on their own.
 */
export function decidePolicyAction(
  hits: readonly EventHit[],
  docType: DocType,
  fields: readonly FieldText[],
  agencyCount: number,
): PolicyActionDecision {
  if (
    docType === 'rule' ||
    docType === 'proposed_rule' ||
    docType === 'presidential_document' ||
    docType === 'bill' ||
    docType === 'funding'
  ) {
    return { policyAction: true, score: 10 };
  }
  const perKind = new Map<HitKind, number>();
  for (const h of hits) {
    const w = hitWeight(h) * KIND_WEIGHT[h.kind];
    perKind.set(h.kind, Math.min(3, (perKind.get(h.kind) ?? 0) + w));
  }
  let score = 0;
  for (const v of perKind.values()) score += v;
  const lead = fields
    .filter((f) => f.field !== 'body')
    .map((f) => f.text)
    .join(' ');
  const bodyLead = fields.find((f) => f.field === 'body')?.text.slice(0, 1200) ?? '';
  const gov = agencyCount > 0 || GOV_ACTOR.test(lead) || GOV_ACTOR.test(bodyLead);
  if (!gov) score *= 0.5;
  return { policyAction: score >= 1.6, score };
}

const FR_URL = /federalregister\.gov|govinfo\.gov\/content\/pkg\/FR-|regulations\.gov/i;
const BILL_URL =
  /congress\.gov\/bill|govinfo\.gov\/(?:content\/pkg|app\/details)\/BILLS-|govtrack\.us\/congress\/bills/i;
const PRESIDENTIAL_URL = /whitehouse\.gov\/(?:presidential-actions|briefing-room\/presidential-actions)/i;
const PRESS_URL = /\.gov\/.*(?:press-release|newsroom|news-release|pressroom|articles?\/news|\/news\/)/i;
const FUNDING_URL = /grants\.gov|sam\.gov\/opp/i;

/** Document type from URL, source id and the wording of the title and lead. */
export function detectDocType(title: string, lead: string, url: string, sourceId: string): DocType {
  const t = title;
  const both = `${title}\n${lead.slice(0, 1500)}`;
  if (/(?:^|[-_:./])page(?:[-_:.]|$)|page-?watch|pagewatch/i.test(sourceId)) return 'page_change';
  if (
    /\bexecutive order\b|\bE\.\s?O\.\s?\d{5}|\bproclamation\b|\bpresidential (?:memorandum|determination|actions?)\b|national security presidential memorandum/i.test(
      t,
    ) ||
    PRESIDENTIAL_URL.test(url)
  ) {
    if (
      PRESIDENTIAL_URL.test(url) ||
      /\bby the authority vested in me\b/i.test(lead.slice(0, 1500)) ||
      /^\s*(?:executive order|proclamation|memorandum)/i.test(t) ||
      /\(E\.\s?O\.\s?\d{5}\)/.test(t)
    ) {
      return 'presidential_document';
    }
  }
  if (/\bby the authority vested in me as president\b/i.test(lead.slice(0, 800))) return 'presidential_document';
  // Federal Register layout of presidential documents: "Title 3— The President", "Executive
  // Order 14117 of February 28, 2024", "Proclamation 9423 of April 12, 2016", "A Proclamation".
  if (
    /^\s*(?:Title 3\b|(?:Executive Order \d{5}|Proclamation \d{4,5}|Memorandum) of (?:January|February|March|April|May|June|July|August|September|October|November|December) \d)/.test(
      both.slice(0, 300).replace(/^[^\n]*\n\s*(?=Title 3\b)/, ''),
    ) ||
    /\bBy the President of the United States of America\s+A Proclamation\b/.test(both.slice(0, 600))
  ) {
    return 'presidential_document';
  }
  if (
    BILL_URL.test(url) ||
    /^\s*(?:H\.\s?R\.|S\.|H\.\s?Res\.|S\.\s?Res\.|H\.\s?J\.\s?Res\.|S\.\s?J\.\s?Res\.)\s?\d{1,5}\b/.test(t) ||
    /^\s*(?:House|Senate) Report \d+/i.test(t) ||
    // Bill text: "A BILL To amend ...", "Be it enacted by the Senate and House of Representatives".
    /(?:^|\n)\s*(?:A BILL|AN ACT|JOINT RESOLUTION)\s*\n?\s*To [a-z]/.test(both.slice(0, 1500)) ||
    /\bBe it enacted by the Senate and House of Representatives\b/.test(both.slice(0, 1500))
  )
    return 'bill';
  const frAction = /\bACTION:\s*([A-Za-z ]+)/.exec(both);
  if (frAction !== null) {
    const a = frAction[1]!.toLowerCase().trim();
    if (
      /^(?:advance notice of proposed rulemaking|(?:supplemental )?notice of proposed rulemaking|proposed (?:rule|regulation|amendment)|(?:notice of )?intent to establish (?:a )?negotiated rulemaking|proposed rule and notice)/.test(
        a,
      )
    ) {
      return 'proposed_rule';
    }
    if (
      /^(?:(?:final|interim final|direct final|temporary final|temporary|interim|final and temporary) (?:rule|regulation|amendment)s?|rule\b|correcting amendment|technical amendment|correction\b|final order)/.test(
        a,
      )
    ) {
      return 'rule';
    }
    if (/^(?:notice|notification|meeting|request for|information collection)/.test(a)) return 'notice';
  }
  if (/^\s*(?:notice of proposed rulemaking|proposed rule)\b/i.test(t)) return 'proposed_rule';
  if (/^\s*(?:final rule|interim final rule)\b/i.test(t)) return 'rule';
  if (FR_URL.test(url)) {
    if (/\bproposed rule|notice of proposed rulemaking\b/i.test(both)) return 'proposed_rule';
    if (/\b(?:interim )?final rule\b/i.test(both)) return 'rule';
    if (/\bexecutive order\b|\bproclamation\b/i.test(t)) return 'presidential_document';
    return 'notice';
  }
  if (
    FUNDING_URL.test(url) ||
    /\b(?:notice of funding opportunity|funding opportunity announcement|NOFO)\b/i.test(t) ||
    // Solicitation layout: "Funding Opportunity Number: DE-FOA-0003100", "Assistance Listing".
    /\bFunding Opportunity (?:Number|Title|No\.)\s*:|\b[A-Z]{2,5}-FOA-\d{4,}|\bCFDA (?:Number|No\.)\s*:|\bAssistance Listing Numbers?\s*:/.test(
      both.slice(0, 1500),
    )
  )
    return 'funding';
  // Federal Register layout without an ACTION line: a notice ("AGENCY:", "[Docket No. ...]",
  // "FOR FURTHER INFORMATION CONTACT:", Sunshine Act meeting notices, "...; Notice of ...").
  if (
    /\bFOR FURTHER INFORMATION CONTACT:|\bAGENCY:\s+[A-Z]|\bSUPPLEMENTARY INFORMATION:|\bSunshine Act Meetings?\b|\[(?:Docket|FR Doc)[^\]\n]{0,60}\]/.test(
      both.slice(0, 1500),
    ) ||
    /[:;] (?:Notice|Notification) of [A-Z]/.test(t)
  ) {
    return 'notice';
  }
  if (/^\s*(?:notice of|request for information|request for comments?|notice of inquiry)\b/i.test(t)) return 'notice';
  if (/\bguidance\b|\bFAQs?\b|\bfrequently asked questions\b/i.test(t) && !/\bnews\b/i.test(t)) return 'guidance';
  if (PRESS_URL.test(url) || /\bpress release\b|\bfor immediate release\b/i.test(both.slice(0, 400)))
    return 'press_release';
  return 'news';
}
