// One message with its next steps: an optional download that keeps what could not be applied, and
// a dismiss button.
import type { ReactNode } from "react";
import { environment } from "../../services/environment";
import type { Notice } from "../../store/state";
import { useReveal } from "./useReveal";

interface Props {
  notice: Notice;
  testId: string;
  onDismiss?: () => void;
  children?: ReactNode;
}

export function NoticeBox({ notice, testId, onDismiss, children }: Props) {
  const { download } = notice;
  const ref = useReveal<HTMLDivElement>(`${notice.title}\n${notice.detail}`);
  return (
    <div
      ref={ref}
      className={`message ${notice.tone} data-notice`}
      role={notice.tone === "error" ? "alert" : "status"}
      data-testid={testId}
      data-tone={notice.tone}
    >
      <p>
        <strong>{notice.title}.</strong> {notice.detail}
      </p>
      {download || onDismiss || children ? (
        <div className="next-steps">
          {children}
          {download ? (
            <button
              type="button"
              className="secondary small"
              data-testid={`${testId}-download`}
              onClick={() => environment().downloads.save(download.fileName, download.text, "application/json")}
            >
              {download.label}
            </button>
          ) : null}
          {onDismiss ? (
            <button type="button" className="secondary small" data-testid={`${testId}-dismiss`} onClick={onDismiss}>
              Dismiss
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
