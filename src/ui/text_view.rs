//! The annotated document view: text with entity spans, event triggers, suggestions, selection.
//!
//! Long documents stay smooth because only what is visible is laid out: each paragraph (a
//! line of the text) is one galley, laid out when it scrolls into view (egui caches galleys by
//! content, so a steady frame lays out nothing), with measured heights for the paragraphs seen
//! so far and estimates for the rest. Annotations are painted as shapes under and over the
//! galleys, never baked into them, so an edit never forces a new layout.
//!
//! Positions: the model's char offsets; a galley's `CCursor` counts chars within its paragraph,
//! so no byte offsets are needed here.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{
    Align, Color32, CornerRadius, FontId, Galley, Key, Modifiers, Pos2, Rect, Response, Sense,
    Stroke, StrokeKind, Ui, pos2, vec2,
};

use super::selection::{self, Selection};
use super::{AnnotationRef, color_of};
use crate::model::{Document, EntityId, Schema, Span, Status};

/// Gap between paragraphs, in points.
const PARAGRAPH_GAP: f32 = 4.0;
/// Left and right margin inside the view.
const MARGIN: f32 = 12.0;

/// How the view draws: chosen in the View menu and preferences.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewStyle {
    pub font_size: f32,
    pub show_suggestions: bool,
    pub show_rejected: bool,
    pub show_relations: bool,
}

/// What the view should emphasise beyond the annotations themselves.
#[derive(Clone, Debug, Default)]
pub struct Highlight {
    pub selected: Option<AnnotationRef>,
    /// Arguments of the selected event, with their roles.
    pub arguments: Vec<(EntityId, String)>,
    /// Find matches.
    pub matches: Vec<Span>,
    /// Entities not drawn (the other annotators' versions while curating one's).
    pub hidden: HashSet<EntityId>,
}

/// One line of the text (a paragraph in news text), in chars.
#[derive(Clone, Debug, PartialEq)]
struct Paragraph {
    chars: Range<usize>,
    bytes: Range<usize>,
}

fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let (mut char_start, mut byte_start) = (0, 0);
    for line in text.split('\n') {
        let chars = line.chars().count();
        out.push(Paragraph {
            chars: char_start..char_start + chars,
            bytes: byte_start..byte_start + line.len(),
        });
        char_start += chars + 1;
        byte_start += line.len() + 1;
    }
    out
}

/// State the view keeps between frames for the open document.
#[derive(Debug, Default)]
pub struct TextViewState {
    doc_key: String,
    paragraphs: Vec<Paragraph>,
    /// Measured height of each paragraph, or `None` until it has been laid out.
    heights: Vec<Option<f32>>,
    /// The width and font the heights were measured with.
    measured_for: (f32, f32),
    pub selection: Selection,
    /// Char to bring into view on the next frame.
    pub scroll_to: Option<usize>,
    /// The first paragraph drawn last frame (how far the view has scrolled).
    pub first_visible: usize,
}

impl TextViewState {
    /// Resets the per-document data when another document (or another text) is shown.
    fn sync(&mut self, doc: &Document, width: f32, font_size: f32) {
        let key = format!("{}\u{0}{}", doc.id(), doc.text_hash());
        if self.doc_key != key {
            self.doc_key = key;
            self.paragraphs = paragraphs(doc.text());
            self.heights = vec![None; self.paragraphs.len()];
            self.selection = Selection::default();
        }
        if self.measured_for != (width, font_size) {
            self.measured_for = (width, font_size);
            self.heights.iter_mut().for_each(|h| *h = None);
        }
    }

    /// Index of the paragraph holding char `at` (a newline belongs to the paragraph it ends).
    fn paragraph_of(&self, at: usize) -> usize {
        self.paragraphs
            .partition_point(|p| p.chars.end < at)
            .min(self.paragraphs.len().saturating_sub(1))
    }
}

/// What happened in the view this frame, for the app to act on.
#[derive(Debug, Default)]
pub struct TextViewOutput {
    /// A click on an annotation (the innermost one under the pointer).
    pub clicked: Option<AnnotationRef>,
    /// A click on plain text: the selected annotation should be cleared.
    pub clicked_text: bool,
}

/// A laid-out visible paragraph.
struct Placed {
    index: usize,
    origin: Pos2,
    galley: Arc<Galley>,
}

/// Draws `doc` and handles mouse and keyboard selection.
pub fn text_view_ui(
    ui: &mut Ui,
    state: &mut TextViewState,
    doc: &Document,
    schema: &Schema,
    highlight: &Highlight,
    style: &ViewStyle,
) -> TextViewOutput {
    let mut output = TextViewOutput::default();
    let font = FontId::proportional(style.font_size);
    let line_height = (style.font_size * 2.1).round();
    let glyph_height = ui.fonts_mut(|f| f.row_height(&font));
    let avg_char_width = ui.fonts_mut(|f| f.glyph_width(&font, 'n'));
    let text_color = ui.visuals().text_color();

    egui::ScrollArea::vertical()
        .id_salt("document_view")
        .auto_shrink(false)
        .show_viewport(ui, |ui, viewport| {
            let width = (ui.available_width() - 2.0 * MARGIN).max(50.0);
            state.sync(doc, width, style.font_size);
            // Blank lines only separate paragraphs: a fraction of a line is enough.
            let blank_height = (line_height * 0.4).round();
            let estimate = |p: &Paragraph| {
                if p.chars.is_empty() {
                    return blank_height;
                }
                let chars = p.chars.len() as f32;
                let rows = (chars * avg_char_width / width).ceil().max(1.0);
                rows * line_height
            };
            let heights: Vec<f32> = state
                .paragraphs
                .iter()
                .zip(&state.heights)
                .map(|(p, h)| h.unwrap_or_else(|| estimate(p)) + PARAGRAPH_GAP)
                .collect();
            // Room above the first line for its tags, which sit over their spans.
            let top_margin = (style.font_size * 0.6).round();
            let total: f32 = top_margin + heights.iter().sum::<f32>();
            let (content, response) = ui.allocate_exact_size(
                vec2(ui.available_width(), total.max(viewport.height())),
                Sense::click_and_drag(),
            );
            let response = response.on_hover_cursor(egui::CursorIcon::Text);

            // Lay out the visible paragraphs only.
            let mut placed: Vec<Placed> = Vec::new();
            let mut top = top_margin;
            for (index, h) in heights.iter().enumerate() {
                if top > viewport.max.y {
                    break;
                }
                if top + h >= viewport.min.y {
                    let p = &state.paragraphs[index];
                    let mut job = LayoutJob::single_section(
                        doc.text()[p.bytes.clone()].to_owned(),
                        TextFormat {
                            font_id: font.clone(),
                            color: text_color,
                            line_height: Some(line_height),
                            ..Default::default()
                        },
                    );
                    job.wrap.max_width = width;
                    let galley = ui.fonts_mut(|f| f.layout_job(job));
                    let measured = if p.chars.is_empty() {
                        blank_height
                    } else {
                        galley.size().y.max(line_height)
                    };
                    state.heights[index] = Some(measured);
                    placed.push(Placed {
                        index,
                        origin: content.min + vec2(MARGIN, top),
                        galley,
                    });
                }
                top += h;
            }

            state.first_visible = placed.first().map_or(0, |p| p.index);
            let painter = ui.painter_at(content);
            let geometry = Geometry { glyph_height };
            let visible_entities = |status: Status| match status {
                Status::Accepted => true,
                Status::Suggested => style.show_suggestions,
                Status::Rejected => style.show_rejected,
            };
            let dark = ui.visuals().dark_mode;
            // Where each visible entity starts on screen, for the relation arcs.
            let mut first_rects: HashMap<EntityId, Rect> = HashMap::new();
            for p in &placed {
                let para = &state.paragraphs[p.index];
                // Find matches and the selection, under everything else.
                for m in &highlight.matches {
                    for r in geometry.rects(p, para, *m) {
                        painter.rect_filled(
                            r.expand(1.0),
                            2.0,
                            Color32::from_rgba_unmultiplied(255, 200, 0, 90),
                        );
                    }
                }
                // Entities, outer spans first so nested ones stay visible on top.
                let mut spans: Vec<_> = doc
                    .entities()
                    .iter()
                    .filter(|e| {
                        visible_entities(e.status)
                            && !highlight.hidden.contains(&e.id)
                            && e.span.start < para.chars.end.max(para.chars.start + 1)
                            && e.span.end > para.chars.start
                    })
                    .collect();
                spans.sort_by_key(|e| (e.span.start, std::cmp::Reverse(e.span.end)));
                let mut depth_stack: Vec<usize> = Vec::new();
                let mut tags: Vec<(Rect, String, Color32, bool)> = Vec::new();
                for e in &spans {
                    while depth_stack.last().is_some_and(|&end| end <= e.span.start) {
                        depth_stack.pop();
                    }
                    let depth = depth_stack.len();
                    depth_stack.push(e.span.end);
                    let color = color_of(schema.entity_label(&e.label).map(|l| l.color));
                    let inset = 2.5 * depth as f32;
                    let selected = highlight.selected == Some(AnnotationRef::Entity(e.id));
                    let role = highlight
                        .arguments
                        .iter()
                        .find(|(id, _)| *id == e.id)
                        .map(|(_, role)| role.clone());
                    let rects = geometry.rects(p, para, e.span);
                    for r in &rects {
                        let r = r.shrink2(vec2(0.0, inset));
                        match e.status {
                            Status::Accepted => {
                                painter.rect_filled(r, 3.0, fill(color, dark, 1.0));
                            }
                            Status::Suggested => {
                                painter.rect_filled(r, 3.0, fill(color, dark, 0.35));
                                painter.rect_stroke(
                                    r,
                                    3.0,
                                    Stroke::new(1.5, color),
                                    StrokeKind::Inside,
                                );
                            }
                            Status::Rejected => {
                                painter.rect_stroke(
                                    r,
                                    3.0,
                                    Stroke::new(1.0, Color32::GRAY),
                                    StrokeKind::Inside,
                                );
                            }
                        }
                        if selected || role.is_some() {
                            painter.rect_stroke(
                                r.expand(1.5),
                                3.0,
                                Stroke::new(2.0, ui.visuals().strong_text_color()),
                                StrokeKind::Outside,
                            );
                        }
                    }
                    if let Some(first) = rects.first() {
                        first_rects.entry(e.id).or_insert(*first);
                    }
                    if e.span.start >= para.chars.start
                        && let Some(first) = rects.first()
                    {
                        let mut tag = e.label.clone();
                        if let (Status::Suggested, crate::model::Origin::Auto { score, .. }) =
                            (e.status, &e.origin)
                        {
                            tag = format!("{tag} {:.0}%", score * 100.0);
                        }
                        if let Some(role) = role {
                            tag = format!("{role}: {tag}");
                        }
                        tags.push((*first, tag, color, e.status == Status::Suggested));
                    }
                }
                // Event triggers: a thick underline in the event type's colour.
                for event in doc.events().iter().filter(|ev| {
                    visible_entities(ev.status)
                        && ev.trigger.start < para.chars.end.max(para.chars.start + 1)
                        && ev.trigger.end > para.chars.start
                }) {
                    let color = color_of(schema.event_type(&event.event_type).map(|t| t.color));
                    let selected = highlight.selected == Some(AnnotationRef::Event(event.id));
                    let rects = geometry.rects(p, para, event.trigger);
                    for r in &rects {
                        let thickness = if event.status == Status::Suggested {
                            2.0
                        } else {
                            3.5
                        };
                        painter.line_segment(
                            [
                                r.left_bottom() + vec2(0.0, 2.0),
                                r.right_bottom() + vec2(0.0, 2.0),
                            ],
                            Stroke::new(thickness, color),
                        );
                        if selected {
                            painter.rect_stroke(
                                r.expand(2.0),
                                3.0,
                                Stroke::new(2.0, color),
                                StrokeKind::Outside,
                            );
                        }
                    }
                    if event.trigger.start >= para.chars.start
                        && let Some(first) = rects.first()
                    {
                        let short = event
                            .event_type
                            .rsplit(':')
                            .next()
                            .unwrap_or(&event.event_type)
                            .to_owned();
                        tags.push((*first, short, color, event.status == Status::Suggested));
                    }
                }
                // The selection, then the text over everything.
                if let Some(sel) = state.selection.span() {
                    for r in geometry.rects(p, para, sel) {
                        painter.rect_filled(
                            r,
                            0.0,
                            ui.visuals().selection.bg_fill.gamma_multiply(0.6),
                        );
                    }
                }
                painter.galley(p.origin, p.galley.clone(), text_color);
                paint_tags(
                    &painter,
                    &tags,
                    style.font_size,
                    dark,
                    (content.left(), content.right()),
                );
            }

            if style.show_relations {
                paint_relations(&painter, doc, schema, highlight, &first_rects, style, dark);
            }

            // A caret where the selection's head is, while the view has the keyboard.
            if state.selection.span().is_none() && !ui.ctx().text_edit_focused() {
                let head = state.selection.head;
                if let Some(p) = placed.iter().find(|p| {
                    state.paragraphs[p.index].chars.contains(&head)
                        || state.paragraphs[p.index].chars.end == head
                }) {
                    let local = head - state.paragraphs[p.index].chars.start;
                    let r = p
                        .galley
                        .pos_from_cursor(CCursor::new(local))
                        .translate(p.origin.to_vec2());
                    let mid = r.center().y;
                    painter.line_segment(
                        [
                            pos2(r.left(), mid - glyph_height / 2.0),
                            pos2(r.left(), mid + glyph_height / 2.0),
                        ],
                        Stroke::new(1.5, text_color),
                    );
                }
            }

            handle_pointer(ui, &response, state, &placed, doc, style, &mut output);
            if !ui.ctx().text_edit_focused() {
                handle_keys(ui, state, &placed, doc);
            }
            if let Some(target) = state.scroll_to.take() {
                let index = state.paragraph_of(target);
                let y: f32 = top_margin + heights[..index].iter().sum::<f32>();
                let local = target.saturating_sub(state.paragraphs[index].chars.start);
                let in_para = placed
                    .iter()
                    .find(|p| p.index == index)
                    .map_or(0.0, |p| p.galley.pos_from_cursor(CCursor::new(local)).top());
                let rect = Rect::from_min_size(
                    content.min + vec2(0.0, y + in_para),
                    vec2(1.0, line_height),
                );
                ui.scroll_to_rect(rect, Some(Align::Center));
            }
        });
    output
}

/// Span fill: the label colour, lighter for suggestions, see-through in the dark theme.
fn fill(color: Color32, dark: bool, strength: f32) -> Color32 {
    let alpha = if dark { 110.0 } else { 170.0 } * strength;
    Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), alpha as u8)
}

/// Relations as arcs below the text, from the start of one entity to the start of the
/// other, with an arrowhead and the type's name at the bottom of the arc. Longer arcs hang
/// lower, so that arcs on one line nest rather than cross. With an annotation selected, the
/// relations that do not touch it are faded.
fn paint_relations(
    painter: &egui::Painter,
    doc: &Document,
    schema: &Schema,
    highlight: &Highlight,
    first_rects: &HashMap<EntityId, Rect>,
    style: &ViewStyle,
    dark: bool,
) {
    let font = FontId::proportional((style.font_size * 0.5).max(8.0));
    let ink = if dark {
        Color32::from_gray(220)
    } else {
        Color32::from_gray(60)
    };
    for relation in doc.relations() {
        if relation.status == Status::Rejected && !style.show_rejected
            || relation.status == Status::Suggested && !style.show_suggestions
        {
            continue;
        }
        let (Some(a), Some(b)) = (
            first_rects.get(&relation.from),
            first_rects.get(&relation.to),
        ) else {
            continue;
        };
        let touches = match highlight.selected {
            None => true,
            Some(AnnotationRef::Relation(id)) => id == relation.id,
            Some(AnnotationRef::Entity(id)) => id == relation.from || id == relation.to,
            Some(AnnotationRef::Event(_)) => false,
        };
        let selected = highlight.selected == Some(AnnotationRef::Relation(relation.id));
        let color = if touches {
            ink
        } else {
            ink.gamma_multiply(0.25)
        };
        let width = if selected { 2.5 } else { 1.2 };
        let (from, to) = (
            pos2(a.left() + 4.0, a.bottom()),
            pos2(b.left() + 4.0, b.bottom()),
        );
        let depth = 7.0 + ((to.x - from.x).abs() / 40.0).min(10.0);
        let points = [from, from + vec2(0.0, depth), to + vec2(0.0, depth), to];
        painter.add(egui::epaint::CubicBezierShape::from_points_stroke(
            points,
            false,
            Color32::TRANSPARENT,
            Stroke::new(width, color),
        ));
        // The arrowhead points up into the target.
        painter.add(egui::Shape::convex_polygon(
            vec![to, to + vec2(-3.5, 6.0), to + vec2(3.5, 6.0)],
            color,
            Stroke::NONE,
        ));
        if touches {
            let name = schema
                .relation_type(&relation.relation_type)
                .map_or(relation.relation_type.as_str(), |t| t.name.as_str());
            let mid = pos2((from.x + to.x) / 2.0, (from.y + to.y) / 2.0 + depth * 0.75);
            let galley = painter.layout_no_wrap(name.to_owned(), font.clone(), ink);
            let bg = Rect::from_center_size(mid, galley.size() + vec2(4.0, 0.0));
            painter.rect_filled(
                bg,
                CornerRadius::same(2),
                if dark {
                    Color32::from_gray(40)
                } else {
                    Color32::from_gray(245)
                },
            );
            painter.galley(bg.min + vec2(2.0, 0.0), galley, ink);
        }
    }
}

/// Small label tags above the first row of each span, laid out by [`layout_tags`] so that
/// none covers another or leaves the view (`left..right`).
fn paint_tags(
    painter: &egui::Painter,
    tags: &[(Rect, String, Color32, bool)],
    font_size: f32,
    dark: bool,
    (left, right): (f32, f32),
) {
    let font = FontId::proportional((font_size * 0.55).max(8.0));
    let galleys: Vec<Arc<Galley>> = tags
        .iter()
        .map(|(_, text, _, _)| {
            painter.layout_no_wrap(
                text.clone(),
                font.clone(),
                if dark { Color32::WHITE } else { Color32::BLACK },
            )
        })
        .collect();
    // The background reaches 2 points past the text on each side.
    let boxes: Vec<TagBox> = tags
        .iter()
        .zip(&galleys)
        .map(|((rect, ..), galley)| TagBox {
            row: rect.top(),
            anchor: rect.left() - 2.0,
            width: galley.size().x + 4.0,
        })
        .collect();
    let placed = layout_tags(&boxes, left, right, 2.0);
    for (((rect, _, color, suggested), galley), x) in tags.iter().zip(galleys).zip(placed) {
        let Some(x) = x else { continue };
        let size = galley.size();
        let bg = Rect::from_min_size(
            pos2(x, rect.top() - size.y - 1.0),
            vec2(size.x + 4.0, size.y),
        );
        let bg_color = if *suggested {
            color.gamma_multiply(0.45)
        } else {
            *color
        };
        painter.rect_filled(bg, CornerRadius::same(2), bg_color);
        painter.galley(bg.min + vec2(2.0, 0.0), galley, Color32::BLACK);
    }
}

/// A tag to place: the top of its row, where its span starts, and its width.
#[derive(Clone, Copy, Debug)]
struct TagBox {
    row: f32,
    anchor: f32,
    width: f32,
}

/// The left edge of each tag (`None`: left out, no room on its row): as near its span's start
/// as it can be, in order along the row, `gap` apart, never overlapping another of its row nor
/// reaching past `left..right`. Tags pushed past the right edge move back left; those that
/// then do not fit are left out (the span keeps its colour, and its hover says the label).
fn layout_tags(tags: &[TagBox], left: f32, right: f32, gap: f32) -> Vec<Option<f32>> {
    let mut placed = vec![None; tags.len()];
    let mut order: Vec<usize> = (0..tags.len()).collect();
    // By row (tops within a point are one row), then along it; stable for equal anchors.
    order.sort_by(|&a, &b| {
        let (ta, tb) = (&tags[a], &tags[b]);
        let same_row = (ta.row - tb.row).abs() < 1.0;
        if same_row {
            ta.anchor.total_cmp(&tb.anchor)
        } else {
            ta.row.total_cmp(&tb.row)
        }
    });
    for row in order.chunk_by(|&a, &b| (tags[a].row - tags[b].row).abs() < 1.0) {
        // Left to right, each after the one before it.
        let mut xs: Vec<f32> = Vec::with_capacity(row.len());
        let mut end = f32::NEG_INFINITY;
        for &i in row {
            let x = tags[i].anchor.max(left).max(end + gap);
            end = x + tags[i].width;
            xs.push(x);
        }
        // Right to left, back inside the right edge.
        let mut limit = right;
        for (k, &i) in row.iter().enumerate().rev() {
            xs[k] = xs[k].min(limit - tags[i].width);
            limit = xs[k] - gap;
        }
        // What still overlaps, or starts left of the view, has no room.
        let mut end = f32::NEG_INFINITY;
        for (k, &i) in row.iter().enumerate() {
            if xs[k] >= left && xs[k] >= end + gap && xs[k] + tags[i].width <= right {
                placed[i] = Some(xs[k]);
                end = xs[k] + tags[i].width;
            }
        }
    }
    placed
}

struct Geometry {
    glyph_height: f32,
}

impl Geometry {
    /// Screen rects covering `span` within one placed paragraph, one per galley row, with the
    /// height of the glyphs (the row's extra line height is where tags go).
    fn rects(&self, placed: &Placed, para: &Paragraph, span: Span) -> Vec<Rect> {
        let start = span.start.max(para.chars.start) - para.chars.start;
        let end = span
            .end
            .min(para.chars.end)
            .saturating_sub(para.chars.start);
        let mut rects = Vec::new();
        if start >= end {
            return rects;
        }
        let mut row_start = 0;
        for row in &placed.galley.rows {
            let count = row.char_count_excluding_newline().0;
            let (s, e) = (start.max(row_start), end.min(row_start + count));
            if s < e {
                let x0 = row.pos.x + row.x_offset(egui::text::CharIndex(s - row_start));
                let x1 = row.pos.x + row.x_offset(egui::text::CharIndex(e - row_start));
                let mid = (row.min_y() + row.max_y()) / 2.0;
                let half = self.glyph_height / 2.0 + 1.0;
                rects.push(
                    Rect::from_min_max(pos2(x0, mid - half), pos2(x1, mid + half))
                        .translate(placed.origin.to_vec2()),
                );
            }
            row_start += row.char_count_including_newline().0;
        }
        rects
    }
}

/// The char under `pos`, from the visible paragraphs (clamped to the first or last of them).
fn char_at(state: &TextViewState, placed: &[Placed], pos: Pos2) -> Option<usize> {
    let p = placed
        .iter()
        .rev()
        .find(|p| p.origin.y <= pos.y)
        .or_else(|| placed.first())?;
    let local = p.galley.cursor_from_pos(pos - p.origin).index.0;
    let para = &state.paragraphs[p.index];
    Some((para.chars.start + local).min(para.chars.end))
}

/// The innermost visible annotation covering char `at`.
fn annotation_at(doc: &Document, at: usize, style: &ViewStyle) -> Option<AnnotationRef> {
    let shown = |s: Status| {
        s == Status::Accepted
            || (s == Status::Suggested && style.show_suggestions)
            || (s == Status::Rejected && style.show_rejected)
    };
    let entities = doc
        .entities()
        .iter()
        .filter(|e| shown(e.status) && e.span.start <= at && at < e.span.end)
        .map(|e| (e.span.len(), AnnotationRef::Entity(e.id)));
    let triggers = doc
        .events()
        .iter()
        .filter(|e| shown(e.status) && e.trigger.start <= at && at < e.trigger.end)
        .map(|e| (e.trigger.len(), AnnotationRef::Event(e.id)));
    entities
        .chain(triggers)
        .min_by_key(|(len, _)| *len)
        .map(|(_, r)| r)
}

fn handle_pointer(
    ui: &Ui,
    response: &Response,
    state: &mut TextViewState,
    placed: &[Placed],
    doc: &Document,
    style: &ViewStyle,
    output: &mut TextViewOutput,
) {
    let shift = ui.input(|i| i.modifiers.shift);
    if response.drag_started()
        && let Some(origin) = ui.input(|i| i.pointer.press_origin())
        && let Some(at) = char_at(state, placed, origin)
    {
        if !shift {
            state.selection.anchor = at;
        }
        state.selection.head = at;
    }
    if response.dragged()
        && let Some(pos) = response.interact_pointer_pos()
        && let Some(at) = char_at(state, placed, pos)
    {
        state.selection.head = at;
    }
    if response.double_clicked() {
        if let Some(pos) = response.interact_pointer_pos()
            && let Some(word) =
                char_at(state, placed, pos).and_then(|at| selection::word_at(doc, at))
        {
            state.selection = Selection {
                anchor: word.start,
                head: word.end,
            };
            output.clicked = None;
        }
    } else if response.clicked()
        && let Some(pos) = response.interact_pointer_pos()
        && let Some(at) = char_at(state, placed, pos)
    {
        if shift {
            state.selection.head = at;
        } else {
            state.selection = Selection::caret(at);
            match annotation_at(doc, at, style) {
                Some(hit) => output.clicked = Some(hit),
                None => output.clicked_text = true,
            }
        }
    }
    if let Some(pos) = response.hover_pos()
        && !response.dragged()
        && let Some(at) = char_at(state, placed, pos)
        && let Some(hit) = annotation_at(doc, at, style)
    {
        response
            .clone()
            .on_hover_ui_at_pointer(|ui| super::annotation_tooltip_ui(ui, doc, hit));
    }
}

/// Caret and selection movement: arrows, Shift to extend, Ctrl by word, Home/End by line,
/// Ctrl+Home/End to the ends, Ctrl+A for all.
fn handle_keys(ui: &Ui, state: &mut TextViewState, placed: &[Placed], doc: &Document) {
    let len = doc.index().len_chars();
    let moves: Vec<(Key, Modifiers)> = ui.input(|i| {
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Key {
                    key,
                    pressed: true,
                    modifiers,
                    ..
                } if matches!(
                    key,
                    Key::ArrowLeft
                        | Key::ArrowRight
                        | Key::ArrowUp
                        | Key::ArrowDown
                        | Key::Home
                        | Key::End
                ) || (*key == Key::A && modifiers.command) =>
                {
                    Some((*key, *modifiers))
                }
                _ => None,
            })
            .collect()
    });
    for (key, modifiers) in moves {
        let head = state.selection.head.min(len);
        let sel = state.selection.span();
        let new_head = match key {
            Key::A => {
                state.selection = Selection {
                    anchor: 0,
                    head: len,
                };
                continue;
            }
            // Without Shift, Left/Right collapse a selection to its edge first.
            Key::ArrowLeft if !modifiers.shift && sel.is_some() => sel.map_or(head, |s| s.start),
            Key::ArrowRight if !modifiers.shift && sel.is_some() => sel.map_or(head, |s| s.end),
            Key::ArrowLeft if modifiers.command || modifiers.alt => {
                selection::word_step(doc, head, false)
            }
            Key::ArrowRight if modifiers.command || modifiers.alt => {
                selection::word_step(doc, head, true)
            }
            Key::ArrowLeft => head.saturating_sub(1),
            Key::ArrowRight => (head + 1).min(len),
            Key::Home if modifiers.command => 0,
            Key::End if modifiers.command => len,
            Key::Home => state.paragraphs[state.paragraph_of(head)].chars.start,
            Key::End => state.paragraphs[state.paragraph_of(head)].chars.end,
            Key::ArrowUp | Key::ArrowDown => {
                vertical_move(state, placed, head, key == Key::ArrowDown)
            }
            _ => head,
        };
        state.selection.head = new_head;
        if !modifiers.shift {
            state.selection.anchor = new_head;
        }
        state.scroll_to = Some(new_head);
    }
}

/// The char one row above or below `head`, through the galleys of visible paragraphs.
fn vertical_move(state: &TextViewState, placed: &[Placed], head: usize, down: bool) -> usize {
    let index = state.paragraph_of(head);
    let Some(p) = placed.iter().find(|p| p.index == index) else {
        // Not laid out (off screen): jump to the neighbouring paragraph.
        let next = if down {
            (index + 1).min(state.paragraphs.len() - 1)
        } else {
            index.saturating_sub(1)
        };
        return state.paragraphs[next].chars.start;
    };
    let para = &state.paragraphs[index];
    let here = p
        .galley
        .pos_from_cursor(CCursor::new(head - para.chars.start))
        .translate(p.origin.to_vec2());
    let target = if down {
        pos2(here.left(), here.bottom() + here.height() / 2.0)
    } else {
        pos2(here.left(), here.top() - here.height() / 2.0)
    };
    char_at(state, placed, target)
        .filter(|&c| c != head)
        .unwrap_or(if down {
            state
                .paragraphs
                .get(index + 1)
                .map_or(para.chars.end, |p| p.chars.start)
        } else {
            index
                .checked_sub(1)
                .map_or(0, |i| state.paragraphs[i].chars.start)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_overlap_within(tags: &[TagBox], placed: &[Option<f32>], left: f32, right: f32) {
        for (i, (a, xa)) in tags.iter().zip(placed).enumerate() {
            let Some(xa) = *xa else { continue };
            assert!(
                xa >= left && xa + a.width <= right,
                "tag {i} leaves the view: {xa}"
            );
            for (j, (b, xb)) in tags.iter().zip(placed).enumerate().skip(i + 1) {
                let Some(xb) = *xb else { continue };
                let same_row = (a.row - b.row).abs() < 1.0;
                let apart = xa + a.width <= xb || xb + b.width <= xa;
                assert!(!same_row || apart, "tags {i} and {j} overlap: {xa}, {xb}");
            }
        }
    }

    #[test]
    fn tags_on_a_line_never_overlap_nor_leave_the_view() {
        let tag = |row: f32, anchor: f32, width: f32| TagBox { row, anchor, width };
        // "G20 summit": an entity tag and a trigger tag at the same place, a nested span's
        // tag there too, then a tag near the right edge, and one on the next row.
        let tags = [
            tag(10.0, 100.0, 60.0),
            tag(10.0, 100.0, 40.0),
            tag(10.0, 130.0, 50.0),
            tag(10.5, 470.0, 60.0),
            tag(40.0, 100.0, 60.0),
        ];
        let placed = layout_tags(&tags, 0.0, 500.0, 2.0);
        no_overlap_within(&tags, &placed, 0.0, 500.0);
        assert!(placed.iter().all(Option::is_some), "{placed:?}");
        // The first keeps its place; the one near the edge moved left to fit.
        assert_eq!(placed[0], Some(100.0));
        assert_eq!(placed[3], Some(440.0));
        assert_eq!(placed[4], Some(100.0));
        // A row with more tags than room keeps what fits and leaves the rest out.
        let crowded: Vec<TagBox> = (0..20).map(|k| tag(0.0, 10.0 * k as f32, 60.0)).collect();
        let placed = layout_tags(&crowded, 0.0, 300.0, 2.0);
        no_overlap_within(&crowded, &placed, 0.0, 300.0);
        assert!(placed.iter().filter(|x| x.is_some()).count() >= 4);
    }

    #[test]
    fn paragraphs_cover_the_text_in_chars_and_bytes() {
        let text = "서울\n\nPark met\nHill";
        let paras = paragraphs(text);
        let chars: Vec<Range<usize>> = paras.iter().map(|p| p.chars.clone()).collect();
        assert_eq!(chars, [0..2, 3..3, 4..12, 13..17]);
        assert_eq!(&text[paras[0].bytes.clone()], "서울");
        assert_eq!(&text[paras[3].bytes.clone()], "Hill");
    }
}
