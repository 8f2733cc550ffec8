// <gl-chart>: the one chart element of Gradient Lab, over Apache ECharts. The server sets `option` (an ECharts
// option as JSON); the element adds tooltips, a PNG export button, lttb downsampling of long lines and resizing.
import * as echarts from 'echarts';

class GlChart extends HTMLElement {
  connectedCallback() {
    if (this._chart) return;
    if (!this.style.height) this.style.height = '320px';
    this.style.display = 'block';
    this._chart = echarts.init(this, null, { renderer: 'canvas' });
    // a point that stands for a run (data item with href) opens it, relative to the page's base like any link
    this._chart.on('click', (p) => {
      if (p.data && p.data.href) window.location.assign(new URL(p.data.href, document.baseURI).href);
    });
    this._resize = new ResizeObserver(() => this._chart && this._chart.resize());
    this._resize.observe(this);
    if (this._option) this._apply();
  }

  disconnectedCallback() {
    if (this._resize) this._resize.disconnect();
    if (this._chart) this._chart.dispose();
    this._chart = null;
  }

  set option(json) {
    this._option = json;
    if (this._chart) this._apply();
  }

  get option() {
    return this._option;
  }

  /** Number of data points drawn, summed over series: what a test can read to see that a chart filled. */
  get points() {
    if (!this._chart) return 0;
    const series = this._chart.getOption().series || [];
    return series.reduce((n, s) => n + (s.data ? s.data.length : 0), 0);
  }

  _apply() {
    const option = JSON.parse(this._option);
    option.animation = false;
    option.tooltip = option.tooltip || { trigger: 'axis' };
    option.toolbox = option.toolbox || { feature: { saveAsImage: { title: 'PNG', pixelRatio: 2 } } };
    // a log axis's ticks as 1e-7, not 0.0000001: short enough for a phone, with the axis's name beside them
    const y = option.yAxis;
    if (y && y.type === 'log') {
      y.axisLabel = Object.assign({}, y.axisLabel, {
        formatter: (v) => (v >= 0.01 && v < 10000 ? String(+v.toPrecision(3)) : v.toExponential(0)),
      });
    }
    (option.series || []).forEach((s) => {
      if (s.type === 'line') {
        s.sampling = s.sampling || 'lttb';
        s.showSymbol = s.showSymbol || false;
      }
    });
    this._chart.setOption(option, true);
    this.setAttribute('points', String(this.points));
  }
}

customElements.define('gl-chart', GlChart);
