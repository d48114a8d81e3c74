import DOMPurify from "dompurify";
import { Marked } from "marked";
import { useLayoutEffect, useRef } from "preact/hooks";

const marked = new Marked({ gfm: true, async: false });

// Links open elsewhere without handing this page to them.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("rel", "noopener noreferrer");
    node.setAttribute("target", "_blank");
  }
});

/**
 * Markdown as sanitised HTML: answers come from a model and quote logs, so everything but plain
 * formatting is dropped (scripts, styles, images, forms, event handlers, javascript: links). The
 * result is a TrustedHTML from DOMPurify's policy, the only HTML the page's Trusted Types allow.
 */
export function sanitizedMarkdown(text: string) {
  const html = marked.parse(text) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "img", "form", "input", "button", "iframe", "svg", "math"],
    FORBID_ATTR: ["style", "class", "id"],
    RETURN_TRUSTED_TYPE: true,
  });
}

export function Markdown({
  text,
  class: className = "",
}: {
  readonly text: string;
  readonly class?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    // innerHTML takes a TrustedHTML under Trusted Types; the DOM typings only know strings.
    if (ref.current) ref.current.innerHTML = sanitizedMarkdown(text) as unknown as string;
  }, [text]);
  return <div ref={ref} class={`markdown ${className}`} />;
}
