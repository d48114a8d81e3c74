import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface UPlotChartProps {
  /** Options without size: the chart takes its container's width. */
  readonly options: Omit<uPlot.Options, "width" | "height">;
  readonly data: uPlot.AlignedData;
  readonly height: number;
  /** A text alternative of the drawing for screen readers. */
  readonly label: string;
  /** Receives the chart once drawn (the data export reads what it plots). */
  readonly onChart?: (chart: uPlot | undefined) => void;
}

/** A uPlot chart in a container that follows the layout's width (1280 px screens and phones alike). */
export function UPlotChart({ options, data, height, label, onChart }: UPlotChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    const width = () => Math.max(240, Math.floor(element.clientWidth));
    const chart = new uPlot({ ...options, width: width(), height }, data, element);
    onChart?.(chart);
    const resize = new ResizeObserver(() => {
      if (Math.abs(chart.width - width()) > 1) chart.setSize({ width: width(), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      onChart?.(undefined);
      chart.destroy();
    };
  }, [options, data, height, onChart]);
  return <div ref={ref} class="chart-canvas" role="img" aria-label={label} />;
}
