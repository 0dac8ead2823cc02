import nlp from 'compromise';
import { Detection, Detector } from './types';

/**
 * Given names that compromise's lexicon lacks, from the languages our users
 * write in. Words that are also common English words (Can, Jan, May, June)
 * are left out on purpose.
 */
const EXTRA_GIVEN_NAMES = `
priya søren soren yuki hiroshi olumide chidi ming xin kenji joão joao josé
lucía lucia giulia jürgen jurgen katrin anke björn bjorn ananya aditya vikram
lakshmi ravi kwame kofi amara ngozi chinedu emeka tunde ayşe ayse emre hyun
jisoo minjun thanh linh huong raj neha pooja agnieszka katarzyna ondřej
zoltán ágnes andrás dorota malin freya wei jun hao yan mei ling hana sakura
haruto yuto riku sora aoi akira takumi daiki ren mohammed muhammad ahmad
fatima aisha zainab yusuf omar hamza layla nour rania karim tariq samir
amir reza mehdi zahra farah arjun rohan rahul ishaan aarav sanjay deepa
anjali kavya meera sunil anil suresh ramesh mahesh ganesh kiran nikhil
vijay ajay sneha divya swati shreya tanvi ikechukwu oluwaseun adebayo
yetunde folake chiamaka obinna uchenna segun bola wanjiru njeri otieno
akinyi kipchoge thabo sipho lerato zanele nomvula bongani siddharth
matteo lorenzo leonardo alessandro francesco giuseppe chiara federica
beatriz inês ines gonçalo goncalo rafael thiago gabriel mateus larissa
fernanda bruna camila valentina santiago sebastián sebastian alejandro
ximena renata sven lars ingrid astrid magnus nils sigrid oskar henrik
mikkel rasmus frederik kasper jens jonas lukas leon finn emil elias noah
mia lena lea hannah marie sophie anna julia clara paula nele wojciech piotr
tomasz krzysztof małgorzata malgorzata magdalena dmitri sergei natasha
anastasia tatiana pavel igor oksana olena mykola taras bogdan
`
  .split(/\s+/)
  .filter(Boolean);

/**
 * Capitalised words that are names in compromise's lexicon but, alone, are
 * usually products and tools in an engineering portal.
 */
const PRODUCT_NAMES = new Set(
  `jenkins winston travis ada alexa cassandra hugo ruby rust swift kafka
  django flask helm argo grafana prometheus sentry hudson ansible chef puppet
  jest mocha jasmine karma loki thanos tempo mimir vault consul nomad jaeger
  kibana elastic siri cortana bard claude gemini copilot`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Words that end a "Given Surname" guess: organisations and places named
 * after people ("Chase Bank", "Austin Airport") are not people.
 */
const NOT_SURNAMES = new Set(
  `bank inc corp ltd llc gmbh group university college hospital clinic street
  avenue road park river valley lake mountain city county state airport
  station center centre foundation institute labs lab systems technologies
  cloud platform engine service services post times news hotel school church
  museum bridge tower hall building team project conference award prize
  island bay beach square`
    .split(/\s+/)
    .filter(Boolean),
);

const HONORIFIC = String.raw`(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Sr|Sra)\.?`;
// A capitalised word that is not itself an honorific ("Dear Mr. O'Brien"
// must leave "Mr." to start the next run).
const CAP_WORD = String.raw`(?!${HONORIFIC}\s)\p{Lu}(?:['’]\p{Lu})?\p{Ll}+(?:\p{Lu}\p{Ll}+)?(?:-\p{Lu}\p{Ll}+)?`;
const PARTICLE = String.raw`(?:van|von|de|da|di|del|der|den|du|la|le|bin|al|el)`;
// Runs of capitalised words (with name particles), optionally after an
// honorific. Not inside identifiers, paths or dotted names.
const RUN = new RegExp(
  String.raw`(?<![\p{L}\p{N}_./\\-])(?:(${HONORIFIC})\s+)?(${CAP_WORD}(?:\s+(?:${PARTICLE}\s+)?${CAP_WORD}){0,3})(?![\p{L}\p{N}_/\\]|\.\p{L})`,
  'gu',
);
const WORD = new RegExp(CAP_WORD, 'gu');
const ADDRESSING =
  /\b(?:hi|hello|hey|dear|thanks|thank you|ask|tell|ping|cc|from|by|with|and|to|for|call|email|per|hallo|bonjour|hola|ciao|danke|merci|gracias)[\s,:]+$/i;

type Lexicon = Record<string, string | string[]>;

interface NameLexicon {
  given: Set<string>;
  surnames: Set<string>;
  known: Lexicon;
}

function loadLexicon(): NameLexicon {
  const known = (nlp as any).world().model.one.lexicon as Lexicon;
  const given = new Set<string>(EXTRA_GIVEN_NAMES);
  const surnames = new Set<string>();
  for (const [word, tags] of Object.entries(known)) {
    const list = Array.isArray(tags) ? tags : [tags];
    if (
      list.some(
        t =>
          t === 'FirstName' ||
          t === 'MaleName' ||
          t === 'FemaleName' ||
          t === 'Person',
      )
    ) {
      given.add(word);
    }
    if (list.includes('LastName')) surnames.add(word);
  }
  return { given, surnames, known };
}

interface Token {
  start: number;
  end: number;
  lower: string;
}

/**
 * Person names. compromise is accurate but slow (milliseconds a sentence),
 * so it only sees short windows around capitalised runs that contain a
 * known name; a given name followed by a surname or an unknown capitalised
 * word is taken from the dictionary alone. Words with digits, all-caps
 * words, identifiers and log levels never qualify (Presidio's classic false
 * positives on numbers and log lines).
 */
export function createPersonDetector(): Detector {
  const lexicon = loadLexicon();
  const isGiven = (w: string) => lexicon.given.has(w) && !PRODUCT_NAMES.has(w);
  const isNameish = (w: string) =>
    (lexicon.given.has(w) || lexicon.surnames.has(w)) && !PRODUCT_NAMES.has(w);
  const isSurnameLike = (w: string) =>
    !NOT_SURNAMES.has(w) &&
    (lexicon.surnames.has(w) ||
      lexicon.given.has(w) ||
      lexicon.known[w] === undefined);

  return {
    type: 'PERSON',
    detect(text) {
      const found: Detection[] = [];
      const ambiguous: Array<{ start: number; end: number }> = [];
      RUN.lastIndex = 0;
      for (const m of text.matchAll(RUN)) {
        const runStart = m.index! + (m[1] ? m[0].indexOf(m[2]) : 0);
        const tokens: Token[] = [];
        for (const w of m[2].matchAll(WORD)) {
          const start = runStart + w.index!;
          tokens.push({
            start,
            end: start + w[0].length,
            lower: w[0].toLowerCase(),
          });
        }
        if (tokens.length === 0) continue;
        if (m[1]) {
          // "Dr. Angela Merkel", "Mr. Chen": an honorific makes a name.
          found.push({
            type: 'PERSON',
            start: m.index!,
            end: tokens[Math.min(tokens.length, 3) - 1].end,
            confidence: 0.85,
            detector: 'person-dictionary',
          });
          continue;
        }
        const first = tokens.findIndex(t => isGiven(t.lower));
        if (
          first !== -1 &&
          first + 1 < tokens.length &&
          isSurnameLike(tokens[first + 1].lower)
        ) {
          let last = first + 1;
          while (
            last + 1 < tokens.length &&
            last - first < 3 &&
            isSurnameLike(tokens[last + 1].lower)
          ) {
            last++;
          }
          found.push({
            type: 'PERSON',
            start: tokens[first].start,
            end: tokens[last].end,
            confidence: 0.85,
            detector: 'person-dictionary',
          });
          continue;
        }
        // Worth asking NLP: a known name, or several capitalised words of
        // which one is unknown or a proper noun ("Bill Gates").
        const unknownOrProper = (t: Token) => {
          const tags = lexicon.known[t.lower];
          return tags === undefined || tags === 'ProperNoun';
        };
        if (
          tokens.some(t => isNameish(t.lower)) ||
          (tokens.length >= 2 && tokens.some(unknownOrProper))
        ) {
          ambiguous.push({
            start: tokens[0].start,
            end: tokens[tokens.length - 1].end,
          });
        }
      }
      for (const window of mergeWindows(text, ambiguous)) {
        const slice = text.slice(window.start, window.end);
        for (const person of peopleIn(slice)) {
          const raw = slice.slice(person.start, person.start + person.length);
          const trimmed = raw.replace(/[\s,.;:!?)"'’]+$/u, '');
          if (
            !trimmed ||
            /[\d_@/]/.test(trimmed) ||
            trimmed === trimmed.toUpperCase()
          )
            continue;
          const start = window.start + person.start;
          const end = start + trimmed.length;
          if (!ambiguous.some(a => a.start < end && start < a.end)) continue;
          const words = trimmed.split(/\s+/).map(w => w.toLowerCase());
          if (words.length === 1 && PRODUCT_NAMES.has(words[0])) continue;
          if (words.some(w => NOT_SURNAMES.has(w))) continue;
          // Every word capitalised, but for name particles ("van", "de").
          const particle = new RegExp(`^${PARTICLE}$`);
          if (
            trimmed
              .split(/\s+/)
              .some(w => !/^\p{Lu}/u.test(w) && !particle.test(w))
          )
            continue;
          // A lone given name is a person after a greeting or an addressing
          // verb ("Hi Sarah", "ask Jordan"); otherwise often a place or brand.
          let confidence = 0.45;
          if (words.length > 1) confidence = 0.7;
          else if (isGiven(words[0])) {
            confidence = ADDRESSING.test(
              text.slice(Math.max(0, start - 20), start),
            )
              ? 0.7
              : 0.55;
          }
          found.push({
            type: 'PERSON',
            start,
            end,
            confidence,
            detector: 'person-nlp',
          });
        }
      }
      return found;
    },
  };
}

// The gateway sees a conversation's earlier turns again with every call:
// remember what the tagger said about recent windows.
const NLP_CACHE_SIZE = 5000;
const nlpCache = new Map<string, Array<{ start: number; length: number }>>();

function peopleIn(window: string): Array<{ start: number; length: number }> {
  const cached = nlpCache.get(window);
  if (cached) return cached;
  const people = (
    nlp(window).people().json({ offset: true }) as Array<{
      offset: { start: number; length: number };
    }>
  ).map(p => ({ start: p.offset.start, length: p.offset.length }));
  if (nlpCache.size >= NLP_CACHE_SIZE) {
    nlpCache.delete(nlpCache.keys().next().value!);
  }
  nlpCache.set(window, people);
  return people;
}

/** Sentence-sized windows around the runs, merged where they touch. */
function mergeWindows(
  text: string,
  runs: Array<{ start: number; end: number }>,
): Array<{ start: number; end: number }> {
  const windows: Array<{ start: number; end: number }> = [];
  for (const run of runs) {
    // A few words either side are enough context for the tagger, whose
    // cost grows with the words it is given; stop at sentence ends.
    let start = Math.max(0, run.start - 30);
    let end = Math.min(text.length, run.end + 30);
    const before = text.slice(start, run.start);
    const cut = Math.max(
      before.lastIndexOf('\n'),
      before.search(/[.!?]\s[^.!?]*$/),
    );
    if (cut !== -1) start += cut + 1;
    else if (start > 0) start += Math.max(0, before.indexOf(' '));
    const after = text.slice(run.end, end);
    const stop = after.search(/\n|[.!?](?:\s|$)/);
    if (stop !== -1) end = run.end + stop + 1;
    else if (end < text.length)
      end = run.end + Math.max(0, after.lastIndexOf(' '));
    const previous = windows[windows.length - 1];
    if (previous && start <= previous.end)
      previous.end = Math.max(previous.end, end);
    else windows.push({ start, end });
  }
  return windows;
}
