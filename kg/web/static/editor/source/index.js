// kg's query editor: CodeMirror 6 with the SPARQL mode and completion of prefixes,
// keywords and kg's terms. Built into ../editor.js (one IIFE, global KGEditor) by
// `npm ci && npm run build` in this directory; see ../README.md.
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { keymap } from "@codemirror/view";
import { autocompletion } from "@codemirror/autocomplete";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";

const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "VALUES", "BIND",
  "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE",
  "PREFIX", "COUNT", "GROUP_CONCAT", "SAMPLE", "NOT EXISTS", "EXISTS", "LANG", "STR",
  "CONTAINS", "LCASE", "REGEX", "COALESCE", "DESC", "ASC", "AS",
];

// A prefixed name (with \-escapes), a bare word, or nothing.
const WORD = /(?:[A-Za-z_][\w.-]*)?:(?:[\w.:-]|\\.)*$|[A-Za-z_]\w*$/;

function completer(terms) {
  const keywordOptions = KEYWORDS.map((k) => ({ label: k, type: "keyword", boost: -1 }));
  return (context) => {
    const word = context.matchBefore(WORD);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const text = word.text;
    const options = text.includes(":")
      ? terms.filter((t) => t.label.startsWith(text.slice(0, text.indexOf(":") + 1)))
      : [...terms.filter((t) => t.type === "namespace"), ...keywordOptions];
    return { from: word.from, options, validFor: /^(?:[\w.:-]|\\.)*$/ };
  };
}

/**
 * Mount an editor in `parent`.
 * options.doc: the initial text; options.terms: completions, each
 * {label, type ("namespace", "class", "property", "constant"), detail, info};
 * options.onRun(): called on Ctrl/Cmd-Enter; options.onChange(text);
 * options.nonce: the style nonce of the page's Content-Security-Policy.
 */
export function create(parent, options = {}) {
  const terms = options.terms || [];
  const run = options.onRun || (() => {});
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc || "",
      extensions: [
        keymap.of([{ key: "Mod-Enter", run: () => { run(); return true; } }]),
        basicSetup,
        StreamLanguage.define(sparql),
        autocompletion({ override: [completer(terms)], activateOnTyping: true }),
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => {
          if (u.docChanged && options.onChange) options.onChange(u.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ "aria-label": options.label || "SPARQL query" }),
        // CodeMirror writes its styles into a <style> element: under a Content-Security-
        // Policy without 'unsafe-inline' it needs the page's style nonce.
        ...(options.nonce ? [EditorView.cspNonce.of(options.nonce)] : []),
      ],
    }),
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    setTerms: (list) => { terms.splice(0, terms.length, ...list); },
    focus: () => view.focus(),
  };
}
