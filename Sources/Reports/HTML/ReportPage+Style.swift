extension ReportPage {
    /// The page's only style sheet, inline: readable type, right-aligned numbers, status colours,
    /// the charts' colours, a single column below 600 px, and A4 print.
    static let styleSheet = """
        :root{--ink:#1f2328;--muted:#57606a;--line:#d8dee4;--panel:#f6f8fa;--ok:#1a7f37;--warning:#9a6700;--critical:#c2410c;\
        --exceeded:#b42318;--s0:#2563eb;--s1:#16a34a;--s2:#d97706;--s3:#9333ea;--s4:#0891b2;--s5:#94a3b8}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;color:var(--ink);background:#fff;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
        main{max-width:1180px;margin:0 auto;padding:24px 20px 40px}
        h1{font-size:26px;margin:0 0 4px}
        h2{font-size:19px;margin:34px 0 6px;padding-bottom:4px;border-bottom:2px solid var(--line)}
        h3{font-size:15px;margin:18px 0 6px}
        .sub,.note,footer{color:var(--muted)}
        .note{margin:0 0 12px;font-size:13.5px;max-width:75ch}
        .toc{display:flex;flex-wrap:wrap;gap:6px 16px;margin:14px 0 0;font-size:14px}
        .toc a{color:var(--s0);text-decoration:none}
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:12px;margin:18px 0 0}
        .tile{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
        .tile .label{color:var(--muted);font-size:13px}
        .tile .value{font-size:19px;font-weight:600;font-variant-numeric:tabular-nums}
        .tile .unit{font-size:13px;font-weight:400;color:var(--muted)}
        .scroll{overflow-x:auto;margin:0 0 8px}
        table{border-collapse:collapse;width:100%;font-size:13.5px}
        caption{text-align:left;color:var(--muted);padding:4px 0}
        th,td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
        th{background:var(--panel);font-weight:600;color:var(--muted);white-space:nowrap}
        td:first-child{white-space:nowrap}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        tr.rest td{color:var(--muted);font-style:italic}
        tr.exhausted td{background:#fff8e6}
        data{font-variant-numeric:tabular-nums}
        bdi{unicode-bidi:isolate}
        .status,.priority{display:inline-block;padding:1px 9px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;\
        -webkit-print-color-adjust:exact;print-color-adjust:exact}
        .status-ok{background:var(--ok)}.status-warning{background:var(--warning)}.status-critical{background:var(--critical)}\
        .status-exceeded{background:var(--exceeded)}
        .priority-high{background:var(--exceeded)}.priority-medium{background:var(--warning)}.priority-low{background:var(--muted)}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:12px}
        .card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;break-inside:avoid}
        .card-head{display:flex;justify-content:space-between;align-items:baseline;gap:8px}
        .card-head h3{margin:0;font-size:16px}
        .tz{color:var(--muted);font-size:12.5px}
        .period{margin-top:10px}
        .line{display:flex;justify-content:space-between;align-items:center}
        .figures{font-size:12.5px;color:var(--muted);font-variant-numeric:tabular-nums}
        .figures data{color:var(--ink)}
        .extra{margin-top:10px;padding-top:8px;border-top:1px dashed var(--line)}
        svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        svg.bar{display:block;width:100%;height:24px;margin:4px 0 2px}
        .track{fill:#e6eaef}
        .spend.status-ok{fill:var(--ok)}.spend.status-warning{fill:var(--warning)}.spend.status-critical{fill:var(--critical)}\
        .spend.status-exceeded{fill:var(--exceeded)}
        .projection{opacity:.28}.projection.status-ok{fill:var(--ok)}.projection.status-warning{fill:var(--warning)}\
        .projection.status-critical{fill:var(--critical)}.projection.status-exceeded{fill:var(--exceeded)}
        .warning-mark{stroke:var(--warning);stroke-width:2;stroke-dasharray:3 2}
        .critical-mark{stroke:var(--critical);stroke-width:2;stroke-dasharray:3 2}
        .budget-mark{stroke:var(--ink);stroke-width:2}
        .projection-mark{stroke:#0b2e6b;stroke-width:3}
        svg.meter{display:block;width:80px;height:8px;margin:3px 0 0 auto}
        .meter .used{fill:var(--s0)}.meter .used.out{fill:var(--exceeded)}
        figure.chart{margin:0;overflow-x:auto}
        svg.daily{display:block;width:100%;min-width:560px;height:auto}
        .grid{stroke:var(--line);stroke-width:1}
        .axis{fill:var(--muted);font-size:11px}
        .series-0{fill:var(--s0);background:var(--s0)}.series-1{fill:var(--s1);background:var(--s1)}.series-2{fill:var(--s2);background:var(--s2)}\
        .series-3{fill:var(--s3);background:var(--s3)}.series-4{fill:var(--s4);background:var(--s4)}.series-5{fill:var(--s5);background:var(--s5)}
        .legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:8px 0 14px;font-size:13px}
        .swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px;\
        -webkit-print-color-adjust:exact;print-color-adjust:exact}
        .detail{margin:3px 0 0;font-size:12.5px;color:var(--muted);max-width:80ch}
        .how{font-style:italic}
        footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--line);font-size:12.5px}
        @media (max-width:600px){body{font-size:14px}main{padding:14px 10px 28px}h1{font-size:21px}h2{font-size:17px}\
        .cards{grid-template-columns:1fr}.tiles{grid-template-columns:1fr 1fr}.tile .value{font-size:16px}th,td{padding:4px 6px}}
        @media print{@page{size:A4;margin:14mm 12mm}body{font-size:10pt}main{max-width:none;padding:0}.toc{display:none}\
        .scroll,figure.chart{overflow:visible}table{font-size:8pt}th,td{padding:2px 4px}tr,.card,figure{break-inside:avoid}\
        h2,h3,.note{break-after:avoid}.cards{grid-template-columns:1fr 1fr}svg.daily{min-width:0}}

        """
}
