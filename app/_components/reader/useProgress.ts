"use client";
import { useCallback, useReducer } from "react";
import { reduceSteps, type ProgressEvent, type ProgressSink, type Step } from "./progress";

type Action = ProgressEvent | { type: "reset" };

const reducer = (steps: Step[], action: Action): Step[] => (action.type === "reset" ? [] : reduceSteps(steps, action));

/** The steps of one operation, and the sink that feeds them. */
export function useProgress(): { steps: Step[]; sink: ProgressSink; reset: () => void } {
  const [steps, dispatch] = useReducer(reducer, []);
  const sink = useCallback<ProgressSink>((event) => dispatch(event), []);
  const reset = useCallback(() => dispatch({ type: "reset" }), []);
  return { steps, sink, reset };
}
