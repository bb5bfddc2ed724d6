import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the benchmark ratios as a horizontal bar chart with a line at 1.0 (parity with Redis).
 * Run as a single-file program (no build): {@code java -Djava.awt.headless=true Chart.java in.tsv out.png title}.
 * Input lines: {@code label<TAB>ratio[<TAB>target]}; an empty or non-numeric ratio draws "no figure";
 * a target (e.g. 0.9) draws a small tick on that bar.
 */
public class Chart {
    record Row(String label, double ratio, double target) {}

    public static void main(String[] args) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(f[0], number(f.length > 1 ? f[1] : ""), number(f.length > 2 ? f[2] : "")));
        }
        String title = args.length > 2 ? args[2] : "redmap / Redis";

        int labelWidth = 330, plotWidth = 560, rowHeight = 34, top = 60, bottom = 50;
        int width = labelWidth + plotWidth + 70;
        int height = top + rows.size() * rowHeight + bottom;
        double max = 1.2;
        for (Row r : rows) {
            if (!Double.isNaN(r.ratio)) {
                max = Math.max(max, r.ratio * 1.12);
            }
        }
        max = Math.ceil(max * 5) / 5;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 12, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawString("bars: median of the pairwise ratios (higher is better for redmap); dashed line: 1.0", 12, 46);

        int x0 = labelWidth;
        // grid and axis labels
        double step = max <= 2 ? 0.2 : max <= 5 ? 0.5 : Math.ceil(max / 10);
        FontMetrics fm = g.getFontMetrics();
        for (double v = 0; v <= max + 1e-9; v += step) {
            int x = x0 + (int) Math.round(v / max * plotWidth);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, top - 4, x, top + rows.size() * rowHeight);
            g.setColor(Color.DARK_GRAY);
            String t = String.format(Locale.ROOT, "%.1f", v);
            g.drawString(t, x - fm.stringWidth(t) / 2, top + rows.size() * rowHeight + 18);
        }
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int y = top + i * rowHeight;
            g.setColor(Color.BLACK);
            String label = r.label;
            while (fm.stringWidth(label) > labelWidth - 20 && label.length() > 4) {
                label = label.substring(0, label.length() - 4) + "...";
            }
            g.drawString(label, labelWidth - 10 - fm.stringWidth(label), y + rowHeight / 2 + 5);
            if (Double.isNaN(r.ratio)) {
                g.setColor(new Color(180, 0, 0));
                g.drawString("no figure (errors or failed run)", x0 + 6, y + rowHeight / 2 + 5);
                continue;
            }
            int w = (int) Math.round(r.ratio / max * plotWidth);
            boolean ok = Double.isNaN(r.target) ? r.ratio >= 1.0 : r.ratio >= r.target;
            g.setColor(ok ? new Color(60, 140, 80) : new Color(220, 120, 40));
            g.fillRect(x0, y + 6, Math.max(w, 1), rowHeight - 12);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2f", r.ratio), x0 + w + 5, y + rowHeight / 2 + 5);
            if (!Double.isNaN(r.target)) {
                int xt = x0 + (int) Math.round(r.target / max * plotWidth);
                g.setColor(new Color(120, 0, 160));
                g.setStroke(new BasicStroke(2f));
                g.drawLine(xt, y + 3, xt, y + rowHeight - 3);
                g.setStroke(new BasicStroke(1f));
            }
        }
        // the parity line
        int x1 = x0 + (int) Math.round(1.0 / max * plotWidth);
        g.setColor(new Color(200, 0, 0));
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(x1, top - 6, x1, top + rows.size() * rowHeight + 2);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.DARK_GRAY);
        g.drawString("purple tick: target ratio where one is set", 12, height - 10);
        g.dispose();
        ImageIO.write(image, "png", new File(args[1]));
    }

    private static double number(String s) {
        try {
            return s.isBlank() ? Double.NaN : Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
